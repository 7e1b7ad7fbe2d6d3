#!/bin/sh
# ship-snapshot.sh: copy the Metis trace DB (SQLite) consistently, check it, gzip it and upload it to
# s3://$SNAPSHOT_BUCKET/$SNAPSHOT_PREFIX/latest.db.gz, where the metis-alerts trace-check Lambda reads it.
# POSIX sh (runs under dash and busybox ash). Needs: sqlite3 (>= 3.22), gzip, aws (CLI v1 or v2), df, awk.
#
# Environment:
#   METIS_DB            source database            (default /var/lib/metis/metis.db)
#   SNAPSHOT_BUCKET     target bucket              (required unless SNAPSHOT_FILE is set)
#   SNAPSHOT_PREFIX     key prefix                 (default metis; the key is PREFIX/latest.db.gz)
#   SNAPSHOT_FILE       write the snapshot to this local path (e.g. /data/latest.db.gz) and its metadata
#                       beside it as PATH.meta.json (camelCase, as `metis-alerts check --meta` reads)
#                       instead of uploading; the aws CLI is then not needed.
#   SNAPSHOT_NOW        pin the clock (ISO-8601 with Z or +hh:mm; tests, backfills); default: now
#   WINDOW_HOURS        bounded snapshot (default 26, at least 25): the events of the last N hours plus
#                       rollup tables over the history the rules need (docs/snapshot-format.md);
#                       `all` ships the whole database (a consistent .backup copy) as before.
#   TRIM_HOURS          legacy: whole copy with the events older than N hours deleted (no rollups).
#                       Implies WINDOW_HOURS=all; rows whose timestamp does not parse are kept.
#   QUICK_CHECK_EVERY_MINUTES  bounded mode: run `PRAGMA quick_check` of the source at most this often
#                       (default 60; 0 = every run). An ok result and its time are kept in
#                       QUICK_CHECK_STATE (default WORK_DIR/metis-snapshot.quick-check); a failed
#                       check is never reused. Metadata carries the result (integrity) and its time.
#   BACKUP_GLOB         the gateway's daily backups (e.g. /backups/metis-*.db.gz): the newest match's
#                       mtime goes to the metadata as last-backup-at; no match -> last-backup-error.
#   VOLUME_PATH         path whose volume `df -P` reports as volume-used-pct (default: dirname of METIS_DB)
#   AWS_ENDPOINT_URL    passed to the AWS CLI as --endpoint-url (tests, S3-compatible endpoints)
#   WORK_DIR            parent of the per-run scratch directory (default ${TMPDIR:-/tmp}); needs room for
#                       the snapshot (about 2x the database with WINDOW_HOURS=all). Removed on exit.
#   SQLITE_BUSY_TIMEOUT_MS  how long to wait for a writer's lock (default 10000)
#
# Bounded mode (default), in order:
#   1. taken-at = now (UTC); source-bytes, wal-bytes (METIS_DB-wal or 0), volume-used-pct (df -P).
#   2. quick_check of the source (read-only), or its cached ok result (QUICK_CHECK_EVERY_MINUTES).
#      A source that is not ok, or has no events table, is shipped whole (below) instead.
#   3. One sqlite3 run, one read transaction on the source (attached read-only, safe under a WAL
#      writer): the events of the window, read through the source's index on timestamp or (type,
#      timestamp) (without one: a full scan, said on stderr), and the rollups. Rows whose timestamp
#      does not parse are kept when they sort after the window's date.
# Whole mode (WINDOW_HOURS=all or TRIM_HOURS):
#   2. `.backup` of METIS_DB into the scratch directory, opened with -readonly (never writes or checkpoints
#      the gateway's database) and inside one read transaction (BEGIN; SELECT ...; .backup; COMMIT). The
#      CLI's .backup copies 100 pages per step and restarts whenever another process commits between
#      steps: under a busy gateway a plain .backup of a large DB never finishes. Holding one read
#      transaction gives a single consistent snapshot; in WAL mode it does not block the writer.
#   3. The copy is switched to journal_mode=DELETE (self-contained file, no -wal/-shm needed to read it),
#      then `PRAGMA quick_check` on it: integrity = `ok` or its first error line. A failing check never
#      stops the upload: the alert pipeline turns it into a db_integrity (SEV1) signal.
#   4. Optional trim (skipped when integrity is not ok: a corrupt DB is shipped whole), gzip -c, upload
#      with `aws s3 cp` (multipart for large files) and metadata:
#        taken-at         ISO-8601 UTC, when the backup started, e.g. 2026-11-20T12:00:00Z
#        volume-used-pct  integer 0-100 from df -P (omitted, with a warning, when df gives nothing)
#        source-bytes     size of METIS_DB
#        wal-bytes        size of METIS_DB-wal, 0 when absent
#        integrity        `ok` or the first error line (printable ASCII, " -> ', \ -> /, <= 200 chars)
#        snapshot-bytes   size of the shipped database file before gzip (bounded: not source-bytes)
#        window-hours, window-from   bounded mode only: the window and its first instant
#        quick-check-at   when the quick_check behind `integrity` ran (bounded: may be an earlier run)
#        last-backup-at   mtime of the newest BACKUP_GLOB match; last-backup-error when none matches
#   If METIS_DB exists but is not a SQLite database (the backup fails with "file is not a database" or
#   "malformed"), the RAW file is gzipped and uploaded with integrity set to that error, so the pipeline
#   pages db_integrity (SEV1) instead of the snapshot silently going stale.
#
# Output: one line on stdout per successful run:
#   shipped s3://BUCKET/PREFIX/latest.db.gz bytes=N integrity=ok taken-at=... source=sqlite|raw trim=... window=26h|all
# (the target is file:///PATH with SNAPSHOT_FILE)
# (a non-ok integrity is printed in double quotes). Failures print one line on stderr, prefixed
# "ship-snapshot: error:"; warnings are prefixed "ship-snapshot: warning:".
#
# Exit codes:
#   0  shipped (integrity may be not ok, and source=raw when METIS_DB is not a SQLite database: the
#      upload succeeded and the alert pipeline does the paging)
#   1  unexpected failure (a command failed under set -e)
#   2  configuration error (SNAPSHOT_BUCKET unset, bad TRIM_HOURS/WINDOW_HOURS/SNAPSHOT_NOW, missing
#      sqlite3/gzip/aws, bad WORK_DIR)
#   3  METIS_DB missing, not a regular file or not readable; nothing uploaded
#   4  snapshot failed (.backup failed for another reason: lock timeout, I/O error, scratch disk full;
#      or gzip failed); nothing uploaded
#   5  upload failed (credentials, bucket, network); nothing new in S3
#   129/130/143  stopped by SIGHUP/SIGINT/SIGTERM (e.g. activeDeadlineSeconds); scratch directory removed
set -eu

PROG=ship-snapshot

die() { # die CODE MESSAGE: one line on stderr, exit CODE
  printf '%s: error: %s\n' "$PROG" "$2" >&2
  exit "$1"
}

warn() {
  printf '%s: warning: %s\n' "$PROG" "$1" >&2
}

# First meaningful line of stdin, as a metadata-safe value: quick_check's "*** in database main ***"
# header and blank lines skipped, tabs as spaces, other non-printables and non-ASCII dropped, " -> ',
# \ -> /, at most 200 characters.
first_line() {
  awk 'NF && !/^\*\*\* in database / { print; exit }' |
    LC_ALL=C tr '\t' ' ' |
    LC_ALL=C tr -cd '\040-\176' |
    LC_ALL=C tr '"\\' "'/" |
    LC_ALL=C cut -c1-200
}

# Size of a regular file in bytes without reading it (POSIX: ls -ln field 5), 0 when absent.
file_bytes() {
  if [ -f "$1" ]; then
    LC_ALL=C ls -ln "$1" | awk '{ print $5 }'
  else
    echo 0
  fi
}

# ---------------------------------------------------------------------------------------------------
# Configuration
METIS_DB=${METIS_DB:-/var/lib/metis/metis.db}
SNAPSHOT_BUCKET=${SNAPSHOT_BUCKET:-}
SNAPSHOT_PREFIX=${SNAPSHOT_PREFIX-metis}
SNAPSHOT_FILE=${SNAPSHOT_FILE:-}
SNAPSHOT_NOW=${SNAPSHOT_NOW:-}
TRIM_HOURS=${TRIM_HOURS:-}
WINDOW_HOURS=${WINDOW_HOURS:-}
QUICK_CHECK_EVERY_MINUTES=${QUICK_CHECK_EVERY_MINUTES:-60}
BACKUP_GLOB=${BACKUP_GLOB:-}
SQLITE_BUSY_TIMEOUT_MS=${SQLITE_BUSY_TIMEOUT_MS:-10000}
AWS_ENDPOINT_URL=${AWS_ENDPOINT_URL:-}

if [ -z "$SNAPSHOT_FILE" ]; then
  [ -n "$SNAPSHOT_BUCKET" ] || die 2 "SNAPSHOT_BUCKET is not set (the bucket the metis-alerts stack created; or SNAPSHOT_FILE for a local file)"
  case $SNAPSHOT_BUCKET in
    */* | *' '* | s3:*) die 2 "SNAPSHOT_BUCKET must be a bare bucket name, got '$SNAPSHOT_BUCKET'" ;;
  esac
else
  case $SNAPSHOT_FILE in
    /*) ;;
    *) SNAPSHOT_FILE=$(pwd)/$SNAPSHOT_FILE ;;
  esac
  [ -d "$(dirname "$SNAPSHOT_FILE")" ] || die 2 "SNAPSHOT_FILE's directory $(dirname "$SNAPSHOT_FILE") does not exist"
fi
if [ -n "$TRIM_HOURS" ]; then
  case $TRIM_HOURS in
    *[!0-9]* | 0*) die 2 "TRIM_HOURS must be a positive whole number of hours, got '$TRIM_HOURS'" ;;
  esac
  case $WINDOW_HOURS in
    '' | all) WINDOW_HOURS=all ;;
    *) die 2 "set WINDOW_HOURS (bounded snapshot) or TRIM_HOURS (trimmed whole copy), not both" ;;
  esac
fi
WINDOW_HOURS=${WINDOW_HOURS:-26}
case $WINDOW_HOURS in
  all) ;;
  '' | *[!0-9]* | 0*) die 2 "WINDOW_HOURS must be a whole number of hours (at least 25) or 'all', got '$WINDOW_HOURS'" ;;
  *) [ "$WINDOW_HOURS" -ge 25 ] || die 2 "WINDOW_HOURS must be at least 25 (the rules read today and the last 24 h from raw events), got '$WINDOW_HOURS'" ;;
esac
case $QUICK_CHECK_EVERY_MINUTES in
  '' | *[!0-9]*) die 2 "QUICK_CHECK_EVERY_MINUTES must be a whole number of minutes, got '$QUICK_CHECK_EVERY_MINUTES'" ;;
esac
case $SQLITE_BUSY_TIMEOUT_MS in
  '' | *[!0-9]*) die 2 "SQLITE_BUSY_TIMEOUT_MS must be a whole number of milliseconds, got '$SQLITE_BUSY_TIMEOUT_MS'" ;;
esac
tools="sqlite3 gzip df awk"
if [ -z "$SNAPSHOT_FILE" ]; then tools="$tools aws"; fi
for tool in $tools; do
  command -v "$tool" >/dev/null 2>&1 || die 2 "'$tool' not found on PATH"
done

# SNAPSHOT_NOW: an instant with a zone, normalised by SQLite (never read in the machine's local time).
if [ -n "$SNAPSHOT_NOW" ]; then
  case $SNAPSHOT_NOW in
    *[!0-9TZz:.+\ -]*) die 2 "SNAPSHOT_NOW must be an ISO-8601 instant, got '$SNAPSHOT_NOW'" ;;
    *[Zz] | *[+-][0-9][0-9]:[0-9][0-9]) ;;
    *) die 2 "SNAPSHOT_NOW must end in Z or +hh:mm (no local time), got '$SNAPSHOT_NOW'" ;;
  esac
  taken_at=$(sqlite3 :memory: "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', '$SNAPSHOT_NOW');")
  [ -n "$taken_at" ] || die 2 "SNAPSHOT_NOW is not a valid instant: '$SNAPSHOT_NOW'"
fi

# Target: PREFIX/latest.db.gz, slashes around the prefix trimmed; an empty prefix puts it at the bucket root.
prefix=$(printf '%s' "$SNAPSHOT_PREFIX" | sed 's#^/*##; s#/*$##')
key=${prefix:+$prefix/}latest.db.gz
if [ -n "$SNAPSHOT_FILE" ]; then target="file://$SNAPSHOT_FILE"; else target="s3://$SNAPSHOT_BUCKET/$key"; fi

# A relative path starting with '-' would read as a sqlite3 option.
case $METIS_DB in
  /*) ;;
  *) METIS_DB=./$METIS_DB ;;
esac
VOLUME_PATH=${VOLUME_PATH:-$(dirname "$METIS_DB")}

# ---------------------------------------------------------------------------------------------------
# The source must exist, be a regular file and be readable. Checked before sqlite3 opens it: a
# read-write open of a missing path would create an empty database.
[ -e "$METIS_DB" ] || die 3 "source database $METIS_DB does not exist"
[ -f "$METIS_DB" ] || die 3 "source database $METIS_DB is not a regular file"
[ -r "$METIS_DB" ] || die 3 "source database $METIS_DB is not readable by uid $(id -u)"

# ---------------------------------------------------------------------------------------------------
# Scratch directory, removed on every exit path.
work_parent=${WORK_DIR:-${TMPDIR:-/tmp}}
[ -d "$work_parent" ] && [ -w "$work_parent" ] || die 2 "WORK_DIR $work_parent is not a writable directory"
QUICK_CHECK_STATE=${QUICK_CHECK_STATE:-$work_parent/metis-snapshot.quick-check}
tmp=
cleanup() {
  if [ -n "$tmp" ]; then rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
tmp=$(mktemp -d "$work_parent/metis-snapshot.XXXXXX") || die 2 "cannot create a scratch directory in $work_parent"
case $tmp in
  *\'* | *'"'*) die 2 "WORK_DIR must not contain quotes: $work_parent" ;;
esac
copy=$tmp/snapshot.db
gz=$tmp/snapshot.db.gz

# ---------------------------------------------------------------------------------------------------
# 1. Facts about the source, taken when the run starts.
taken_at=${taken_at:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}
source_bytes=$(file_bytes "$METIS_DB")
wal_bytes=$(file_bytes "$METIS_DB-wal")
volume_pct=$(df -P "$VOLUME_PATH" 2>/dev/null | awk 'NR == 2 { v = $5; sub(/%$/, "", v); print v }') || volume_pct=
case $volume_pct in
  '' | *[!0-9]*)
    warn "df -P $VOLUME_PATH gave no usage percentage; volume-used-pct omitted"
    volume_pct=
    ;;
esac

# Newest daily backup (BACKUP_GLOB unquoted on purpose: the shell expands it).
last_backup_at=
last_backup_error=
if [ -n "$BACKUP_GLOB" ]; then
  newest=
  for candidate in $BACKUP_GLOB; do
    [ -f "$candidate" ] || continue
    if [ -z "$newest" ] || [ "$candidate" -nt "$newest" ]; then newest=$candidate; fi
  done
  if [ -z "$newest" ]; then
    last_backup_error="no file matches BACKUP_GLOB $(printf '%s' "$BACKUP_GLOB" | first_line)"
    warn "$last_backup_error"
  elif ! last_backup_at=$(date -u -r "$newest" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null); then
    last_backup_at=
    last_backup_error="cannot read the mtime of the newest backup"
    warn "$last_backup_error"
  fi
fi

# ---------------------------------------------------------------------------------------------------
# Whole copy: one read transaction around .backup (see the header), read-only open; then quick_check
# of the copy and the optional trim. Sets source_kind, integrity, trim_note; writes $gz.
source_kind=sqlite
trim_note=off
quick_check_at=
snapshot_bytes=
whole_snapshot() {
  if sqlite3 -bail -readonly -cmd ".timeout $SQLITE_BUSY_TIMEOUT_MS" "$METIS_DB" \
    'BEGIN; SELECT count(*) FROM sqlite_master;' ".backup '$copy'" 'COMMIT;' >/dev/null 2>"$tmp/backup.err"; then
    :
  else
    backup_error=$(first_line <"$tmp/backup.err")
    case $backup_error in
      *'not a database'* | *malformed* | *'(26)'* | *'(11)'*)
        # Not SQLite (or its header/schema is destroyed): ship the raw bytes so the pipeline pages
        # db_integrity with this error instead of the snapshot going stale.
        source_kind=raw
        integrity=${backup_error:-not a database}
        ;;
      *)
        die 4 "backup of $METIS_DB failed: ${backup_error:-sqlite3 exited non-zero without a message}"
        ;;
    esac
  fi

  if [ "$source_kind" = sqlite ]; then
    # Self-contained copy, then quick_check. Neither may stop the upload.
    if ! sqlite3 -bail "$copy" 'PRAGMA journal_mode=DELETE;' >/dev/null 2>"$tmp/journal.err"; then
      warn "could not switch the copy to journal_mode=DELETE: $(first_line <"$tmp/journal.err")"
    fi
    if sqlite3 -bail "$copy" 'PRAGMA quick_check(3);' >"$tmp/check.out" 2>"$tmp/check.err"; then
      integrity=$(first_line <"$tmp/check.out")
    else
      integrity=$(first_line <"$tmp/check.err")
    fi
    integrity=${integrity:-quick_check gave no result}
    quick_check_at=$taken_at

    # Optional trim of the copy.
    if [ -n "$TRIM_HOURS" ]; then
      if [ "$integrity" != ok ]; then
        warn "integrity is not ok; TRIM_HOURS ignored, the whole copy is shipped"
        trim_note=skipped
      elif [ "$(sqlite3 "$copy" "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'events';" 2>/dev/null)" != 1 ]; then
        warn "TRIM_HOURS is set but the copy has no events table; shipped untrimmed"
        trim_note=skipped
      elif deleted=$(sqlite3 -bail "$copy" \
        "DELETE FROM events WHERE julianday(timestamp) < julianday('$taken_at', '-$TRIM_HOURS hours'); SELECT changes();" \
        'VACUUM;' 2>"$tmp/trim.err"); then
        trim_note="${TRIM_HOURS}h deleted=$deleted"
      else
        # DELETE is atomic: the copy is either trimmed or untouched; ship it either way.
        warn "trim failed, shipped untrimmed: $(first_line <"$tmp/trim.err")"
        trim_note=failed
      fi
    fi
    snapshot_bytes=$(file_bytes "$copy")
    gzip -c <"$copy" >"$gz" 2>"$tmp/gzip.err" || die 4 "gzip of the snapshot failed: $(first_line <"$tmp/gzip.err")"
  else
    snapshot_bytes=$source_bytes
    gzip -c <"$METIS_DB" >"$gz" 2>"$tmp/gzip.err" || die 4 "gzip of $METIS_DB failed: $(first_line <"$tmp/gzip.err")"
  fi
}

# ---------------------------------------------------------------------------------------------------
# Bounded snapshot (docs/snapshot-format.md). Returns 1 when the source must be shipped whole instead
# (not SQLite, not ok, no usable events table); sets integrity, quick_check_at; writes $gz.

# sqlite3 on the source, read-only, waiting for a writer's lock.
source_sql() {
  sqlite3 -bail -readonly -cmd ".timeout $SQLITE_BUSY_TIMEOUT_MS" "$METIS_DB" "$@"
}

# quick_check of the source, or the cached ok result when it is recent enough.
source_quick_check() {
  if [ "$QUICK_CHECK_EVERY_MINUTES" -gt 0 ] && [ -f "$QUICK_CHECK_STATE" ]; then
    cached_at=$(awk -F '\t' 'NR == 1 && $1 == "ok" { print $2 }' "$QUICK_CHECK_STATE" 2>/dev/null || true)
    case $cached_at in
      [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z)
        age_ok=$(sqlite3 :memory: "SELECT (julianday('$taken_at') - julianday('$cached_at')) * 1440 BETWEEN 0 AND $QUICK_CHECK_EVERY_MINUTES;")
        if [ "$age_ok" = 1 ]; then
          integrity=ok
          quick_check_at=$cached_at
          return 0
        fi
        ;;
    esac
  fi
  if source_sql 'PRAGMA quick_check(3);' >"$tmp/check.out" 2>"$tmp/check.err"; then
    integrity=$(first_line <"$tmp/check.out")
  else
    integrity=$(first_line <"$tmp/check.err")
  fi
  integrity=${integrity:-quick_check gave no result}
  quick_check_at=$taken_at
  if [ "$integrity" = ok ] && [ "$QUICK_CHECK_EVERY_MINUTES" -gt 0 ]; then
    printf 'ok\t%s\n' "$taken_at" >"$QUICK_CHECK_STATE" 2>/dev/null || warn "cannot write QUICK_CHECK_STATE $QUICK_CHECK_STATE; quick_check runs every time"
  fi
}

bounded_snapshot() {
  # Columns of events: type, timestamp and payload are needed; key_id is used when present.
  if ! columns=$(source_sql "SELECT group_concat(lower(name), ' ') FROM pragma_table_info('events');" 2>"$tmp/probe.err"); then
    return 1 # not SQLite or unreadable: the whole path ships it raw with the error
  fi
  for column in type timestamp payload; do
    case " $columns " in
      *" $column "*) ;;
      *)
        warn "the source has no events table with type, timestamp and payload; shipped whole"
        return 1
        ;;
    esac
  done
  case " $columns " in
    *' key_id '*) key_expr="COALESCE(payload ->> '\$.gateway_key_id', key_id)" ;;
    *) key_expr="payload ->> '\$.gateway_key_id'" ;;
  esac

  source_quick_check
  if [ "$integrity" != ok ]; then
    warn "quick_check of the source is not ok; shipped whole so the checker sees the damage"
    return 1
  fi

  # Which index the window read can use: the first column of an index on events.
  index_kind=$(source_sql "SELECT CASE WHEN SUM(c = 'timestamp') THEN 'ts' WHEN SUM(c = 'type') THEN 'type' ELSE 'none' END FROM (
    SELECT (SELECT name FROM pragma_index_info(il.name) WHERE seqno = 0) AS c FROM pragma_index_list('events') AS il);" 2>/dev/null) || index_kind=none
  # The window's bounds and the rollups' cutoffs (each grain's first whole bucket inside the window,
  # as lambdas/core/trace-db/history.ts computes them), as literals so the planner can use an index.
  bounds=$(sqlite3 -separator ' ' :memory: "SELECT from_iso, date(from_iso, '-1 day'), rollup_from, date(rollup_from, '-1 day'), hour_from, month_from,
      CASE WHEN strftime('%Y-%m-%dT%H:00:00Z', from_iso) = from_iso THEN from_iso ELSE strftime('%Y-%m-%dT%H:00:00Z', from_iso, '+1 hour') END,
      CASE WHEN strftime('%Y-%m-%dT%H:', from_iso) || (CAST(strftime('%M', from_iso) AS INTEGER) / 10) || '0:00Z' = from_iso THEN from_iso
           ELSE strftime('%Y-%m-%dT%H:', from_iso, '+10 minutes') || (CAST(strftime('%M', from_iso, '+10 minutes') AS INTEGER) / 10) || '0:00Z' END,
      CASE WHEN strftime('%Y-%m-%dT00:00:00Z', from_iso) = from_iso THEN from_iso ELSE strftime('%Y-%m-%dT00:00:00Z', from_iso, '+1 day') END
    FROM (SELECT from_iso, hour_from, month_from, min(hour_from, month_from) AS rollup_from FROM (
      SELECT strftime('%Y-%m-%dT%H:%M:%SZ', '$taken_at', '-$WINDOW_HOURS hours') AS from_iso,
             strftime('%Y-%m-%dT%H:00:00Z', '$taken_at', '-8 days') AS hour_from,
             strftime('%Y-%m-%dT00:00:00Z', '$taken_at', 'start of month') AS month_from));")
  # shellcheck disable=SC2086 # word splitting of the bounds is the point
  set -- $bounds
  window_from=$1 window_coarse=$2 rollup_from=$3 rollup_coarse=$4 hour_from=$5 month_from=$6 hour_cut=$7 ten_cut=$8 day_cut=$9

  window_read="timestamp >= '$window_coarse' AND (julianday(timestamp) >= julianday('$window_from') OR julianday(timestamp) IS NULL)"
  types_sql="SELECT NULL AS type WHERE 0"
  case $index_kind in
    ts) ;;
    type)
      # An index on (type, timestamp): one range per type; the types come from a skip over the index.
      window_read="type IN (SELECT type FROM temp.types) AND $window_read"
      types_sql="WITH RECURSIVE t(type) AS (SELECT MIN(type) FROM src.events
        UNION ALL SELECT (SELECT MIN(type) FROM src.events WHERE type > t.type) FROM t WHERE t.type IS NOT NULL)
        SELECT type FROM t WHERE type IS NOT NULL"
      ;;
    *) warn "the source's events table has no index on timestamp or (type, timestamp): the window read scans every row (slower; CREATE INDEX ... ON events(timestamp) helps)" ;;
  esac

  # The source path as a read-only URI (%, ? and # escaped).
  src_uri="file:$(printf '%s' "$METIS_DB" | sed 's/%/%25/g; s/?/%3f/g; s/#/%23/g')?mode=ro"
  case $src_uri in
    *\'*) die 2 "METIS_DB must not contain a single quote: $METIS_DB" ;;
  esac

  calls_where="type = 'llm.call_completed' AND timestamp >= '$rollup_coarse'
      AND julianday(timestamp) >= julianday('$rollup_from') AND julianday(timestamp) < julianday('$day_cut') AND json_valid(payload)"
  # Bucket labels and the latency bin: the same expressions as lambdas/core/trace-db/history.ts.
  lat_int="CAST(latency AS INTEGER)"
  lat_scale="CAST('1' || substr('0000000000000000000', 1, max(length(CAST($lat_int AS TEXT)) - 2, 0)) AS INTEGER)"
  if ! sqlite3 -bail -cmd ".timeout $SQLITE_BUSY_TIMEOUT_MS" "$copy" >/dev/null 2>"$tmp/bounded.err" <<SQL
PRAGMA main.journal_mode=OFF;
PRAGMA main.synchronous=OFF;
ATTACH '$src_uri' AS src;
BEGIN;
CREATE TEMP TABLE types AS $types_sql;
CREATE TABLE main.events AS SELECT * FROM src.events WHERE $window_read;
CREATE TEMP TABLE c AS
  SELECT timestamp AS ts, julianday(timestamp) AS jd, $key_expr AS key, payload ->> '\$.model' AS model,
         payload ->> '\$.usage.cost_usd' AS cost, payload ->> '\$.latency_ms' AS latency,
         (payload ->> '\$.stop_reason') = 'error' AS error
  FROM src.events WHERE $calls_where;
COMMIT;
CREATE TABLE metis_rollup_info AS
  SELECT 1 AS format_version, '$taken_at' AS taken_at, $WINDOW_HOURS AS window_hours, '$window_from' AS window_from,
         '$hour_from' AS hourly_from, '$month_from' AS daily_from;
CREATE TABLE metis_rollup_hourly AS
  SELECT strftime('%Y-%m-%dT%H:00:00Z', ts) AS hour, key, model, COUNT(*) AS calls, TOTAL(error) AS errors,
         TOTAL(cost) AS cost_usd, MIN(jd) AS first_jd
  FROM temp.c WHERE jd >= julianday('$hour_from') AND jd < julianday('$hour_cut')
  GROUP BY hour, key, model ORDER BY hour;
CREATE TABLE metis_rollup_latency_hourly AS
  SELECT strftime('%Y-%m-%dT%H:00:00Z', ts) AS hour, (($lat_int / $lat_scale) * $lat_scale) AS bin, COUNT(*) AS calls
  FROM temp.c WHERE jd >= julianday('$hour_from') AND jd < julianday('$hour_cut')
    AND typeof(latency) IN ('integer', 'real') AND latency >= 0
  GROUP BY hour, bin ORDER BY hour;
CREATE TABLE metis_rollup_calls_10min AS
  SELECT strftime('%Y-%m-%dT%H:', ts) || (CAST(strftime('%M', ts) AS INTEGER) / 10) || '0:00Z' AS bucket, COUNT(*) AS calls
  FROM temp.c WHERE jd >= julianday('$hour_from') AND jd < julianday('$ten_cut')
  GROUP BY bucket ORDER BY bucket;
CREATE TABLE metis_rollup_daily AS
  SELECT date(ts) AS day, key, COUNT(*) AS calls, TOTAL(cost) AS cost_usd, MIN(jd) AS first_jd
  FROM temp.c WHERE jd >= julianday('$month_from') AND jd < julianday('$day_cut')
  GROUP BY day, key ORDER BY day;
CREATE INDEX events_type_timestamp ON events(type, timestamp);
DETACH src;
PRAGMA main.journal_mode=DELETE;
SQL
  then
    error_line=$(first_line <"$tmp/bounded.err")
    case $error_line in
      *malformed* | *'not a database'* | *'(11)'* | *'(26)'*)
        warn "the window read failed ($error_line); shipped whole"
        return 1
        ;;
    esac
    die 4 "bounded snapshot of $METIS_DB failed: ${error_line:-sqlite3 exited non-zero without a message}"
  fi
  snapshot_bytes=$(file_bytes "$copy")
  gzip -c <"$copy" >"$gz" 2>"$tmp/gzip.err" || die 4 "gzip of the snapshot failed: $(first_line <"$tmp/gzip.err")"
}

window_from=
if [ "$WINDOW_HOURS" = all ] || ! bounded_snapshot; then
  shipped_window=all
  rm -f "$copy"
  whole_snapshot
else
  shipped_window=${WINDOW_HOURS}h
fi
gz_bytes=$(file_bytes "$gz")

# ---------------------------------------------------------------------------------------------------
# 5. Upload, or write locally. Every metadata value is printable ASCII without quotes or backslashes,
# so these JSON objects are valid.
metadata="{\"taken-at\":\"$taken_at\",\"source-bytes\":\"$source_bytes\",\"wal-bytes\":\"$wal_bytes\",\"integrity\":\"$integrity\""
metadata="$metadata,\"snapshot-bytes\":\"$snapshot_bytes\""
local_meta="{\"takenAt\":\"$taken_at\",\"sourceBytes\":$source_bytes,\"walBytes\":$wal_bytes,\"integrity\":\"$integrity\",\"snapshotBytes\":$snapshot_bytes"
if [ -n "$volume_pct" ]; then
  metadata="$metadata,\"volume-used-pct\":\"$volume_pct\""
  local_meta="$local_meta,\"volumeUsedPct\":$volume_pct"
fi
if [ -n "$quick_check_at" ]; then
  metadata="$metadata,\"quick-check-at\":\"$quick_check_at\""
  local_meta="$local_meta,\"quickCheckAt\":\"$quick_check_at\""
fi
if [ "$shipped_window" != all ]; then
  metadata="$metadata,\"window-hours\":\"$WINDOW_HOURS\",\"window-from\":\"$window_from\""
  local_meta="$local_meta,\"windowHours\":$WINDOW_HOURS,\"windowFrom\":\"$window_from\""
fi
if [ -n "$last_backup_at" ]; then
  metadata="$metadata,\"last-backup-at\":\"$last_backup_at\""
  local_meta="$local_meta,\"lastBackupAt\":\"$last_backup_at\""
fi
if [ -n "$last_backup_error" ]; then
  metadata="$metadata,\"last-backup-error\":\"$last_backup_error\""
  local_meta="$local_meta,\"lastBackupError\":\"$last_backup_error\""
fi
metadata="$metadata}"
local_meta="$local_meta}"

if [ -n "$SNAPSHOT_FILE" ]; then
  # Beside the target, then renamed: a reader never sees half a file.
  if ! { cp "$gz" "$SNAPSHOT_FILE.part.$$" && printf '%s\n' "$local_meta" >"$SNAPSHOT_FILE.meta.json.part.$$" &&
    mv -f "$SNAPSHOT_FILE.part.$$" "$SNAPSHOT_FILE" && mv -f "$SNAPSHOT_FILE.meta.json.part.$$" "$SNAPSHOT_FILE.meta.json"; } 2>"$tmp/write.err"; then
    rm -f "$SNAPSHOT_FILE.part.$$" "$SNAPSHOT_FILE.meta.json.part.$$"
    die 5 "writing $SNAPSHOT_FILE failed: $(first_line <"$tmp/write.err")"
  fi
else
  set -- s3 cp "$gz" "$target" --metadata "$metadata" --content-type application/gzip --only-show-errors --no-progress
  if [ -n "$AWS_ENDPOINT_URL" ]; then set -- --endpoint-url "$AWS_ENDPOINT_URL" "$@"; fi
  if ! aws "$@" >"$tmp/upload.out" 2>"$tmp/upload.err"; then
    upload_error=$(cat "$tmp/upload.err" "$tmp/upload.out" | first_line)
    die 5 "upload to $target failed: ${upload_error:-aws exited non-zero without a message}"
  fi
fi

if [ "$integrity" = ok ]; then shown=ok; else shown="\"$integrity\""; fi
printf 'shipped %s bytes=%s integrity=%s taken-at=%s source=%s trim=%s window=%s\n' \
  "$target" "$gz_bytes" "$shown" "$taken_at" "$source_kind" "$trim_note" "$shipped_window"
