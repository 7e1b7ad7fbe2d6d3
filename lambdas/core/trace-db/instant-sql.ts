// A timestamp column as an instant (a julian day), for every RFC 3339 / ISO-8601 form a writer may use.
// SQLite's julianday() already takes 'T' or space, fractions of any length, 'Z'/'z' and '+hh:mm'; it
// returns NULL for a lowercase 't' and for '+hhmm' offsets, so those rows are rewritten and parsed
// again. COALESCE stops at the first non-NULL, so well-formed rows pay for one julianday() only.
// Rows that still give NULL are counted by trace_db_bad_timestamps, never silently dropped.

/** `julianday()` of `column`, accepting `t` as the separator and `+hhmm` / `-hhmm` offsets. */
export function instantSql(column = 'timestamp'): string {
  const c = column;
  const separatorFixed = `substr(${c}, 1, 10) || ' ' || substr(${c}, 12)`;
  const offsetFixed = `substr(${c}, 1, 10) || ' ' || substr(${c}, 12, length(${c}) - 13) || ':' || substr(${c}, -2)`;
  return `COALESCE(julianday(${c}), julianday(CASE WHEN ${c} GLOB '*[+-][0-9][0-9][0-9][0-9]' THEN ${offsetFixed} ELSE ${separatorFixed} END))`;
}
