#!/bin/sh
# ship-snapshot.sh: copy the Metis trace DB (SQLite) consistently, check it, gzip it and upload it to
# s3://$SNAPSHOT_BUCKET/$SNAPSHOT_PREFIX/latest.db.gz, where the metis-alerts trace-check Lambda reads it.
# POSIX sh (runs under dash and busybox ash). Needs: sqlite3 (>= 3.22), gzip, aws (CLI v1 or v2), df, awk.
#
# Environment:
#   METIS_DB            source database            (default /var/lib/metis/metis.db)
#   SNAPSHOT_BUCKET     target bucket              (required)
#   SNAPSHOT_PREFIX     key prefix                 (default metis; the key is PREFIX/latest.db.gz)
#   TRIM_HOURS          keep only the events of the last N hours in the copy (positive integer; unset = all).
#                       Deletes from the COPY only, comparing instants with julianday(); rows whose
#                       timestamp does not parse are kept. Then VACUUM.
#   VOLUME_PATH         path whose volume `df -P` reports as volume-used-pct (default: dirname of METIS_DB)
#   AWS_ENDPOINT_URL    passed to the AWS CLI as --endpoint-url (tests, S3-compatible endpoints)
#   WORK_DIR            parent of the per-run scratch directory (default ${TMPDIR:-/tmp}); needs room for
#                       about 2x the database. The scratch directory is removed on exit.
#   SQLITE_BUSY_TIMEOUT_MS  how long to wait for a writer's lock (default 10000)
#
# What it does, in order:
#   1. taken-at = now (UTC); source-bytes, wal-bytes (METIS_DB-wal or 0), volume-used-pct (df -P).
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
#   If METIS_DB exists but is not a SQLite database (the backup fails with "file is not a database" or
#   "malformed"), the RAW file is gzipped and uploaded with integrity set to that error, so the pipeline
#   pages db_integrity (SEV1) instead of the snapshot silently going stale.
#
# Output: one line on stdout per successful run:
#   shipped s3://BUCKET/PREFIX/latest.db.gz bytes=N integrity=ok taken-at=... source=sqlite|raw trim=...
# (a non-ok integrity is printed in double quotes). Failures print one line on stderr, prefixed
# "ship-snapshot: error:"; warnings are prefixed "ship-snapshot: warning:".
#
# Exit codes:
#   0  shipped (integrity may be not ok, and source=raw when METIS_DB is not a SQLite database: the
#      upload succeeded and the alert pipeline does the paging)
#   1  unexpected failure (a command failed under set -e)
#   2  configuration error (SNAPSHOT_BUCKET unset, bad TRIM_HOURS, missing sqlite3/gzip/aws, bad WORK_DIR)
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
TRIM_HOURS=${TRIM_HOURS:-}
SQLITE_BUSY_TIMEOUT_MS=${SQLITE_BUSY_TIMEOUT_MS:-10000}
AWS_ENDPOINT_URL=${AWS_ENDPOINT_URL:-}

[ -n "$SNAPSHOT_BUCKET" ] || die 2 "SNAPSHOT_BUCKET is not set (the bucket the metis-alerts stack created)"
case $SNAPSHOT_BUCKET in
  */* | *' '* | s3:*) die 2 "SNAPSHOT_BUCKET must be a bare bucket name, got '$SNAPSHOT_BUCKET'" ;;
esac
if [ -n "$TRIM_HOURS" ]; then
  case $TRIM_HOURS in
    *[!0-9]* | 0*) die 2 "TRIM_HOURS must be a positive whole number of hours, got '$TRIM_HOURS'" ;;
  esac
fi
case $SQLITE_BUSY_TIMEOUT_MS in
  '' | *[!0-9]*) die 2 "SQLITE_BUSY_TIMEOUT_MS must be a whole number of milliseconds, got '$SQLITE_BUSY_TIMEOUT_MS'" ;;
esac
for tool in sqlite3 gzip aws df awk; do
  command -v "$tool" >/dev/null 2>&1 || die 2 "'$tool' not found on PATH"
done

# Key: PREFIX/latest.db.gz, slashes around the prefix trimmed; an empty prefix puts it at the bucket root.
prefix=$(printf '%s' "$SNAPSHOT_PREFIX" | sed 's#^/*##; s#/*$##')
key=${prefix:+$prefix/}latest.db.gz
target="s3://$SNAPSHOT_BUCKET/$key"

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
# 1. Facts about the source, taken when the backup starts.
taken_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
source_bytes=$(file_bytes "$METIS_DB")
wal_bytes=$(file_bytes "$METIS_DB-wal")
volume_pct=$(df -P "$VOLUME_PATH" 2>/dev/null | awk 'NR == 2 { v = $5; sub(/%$/, "", v); print v }') || volume_pct=
case $volume_pct in
  '' | *[!0-9]*)
    warn "df -P $VOLUME_PATH gave no usage percentage; volume-used-pct omitted"
    volume_pct=
    ;;
esac

# ---------------------------------------------------------------------------------------------------
# 2. Consistent copy: one read transaction around .backup (see the header), read-only open.
source_kind=sqlite
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

trim_note=off
if [ "$source_kind" = sqlite ]; then
  # 3. Self-contained copy, then quick_check. Neither may stop the upload.
  if ! sqlite3 -bail "$copy" 'PRAGMA journal_mode=DELETE;' >/dev/null 2>"$tmp/journal.err"; then
    warn "could not switch the copy to journal_mode=DELETE: $(first_line <"$tmp/journal.err")"
  fi
  if sqlite3 -bail "$copy" 'PRAGMA quick_check(3);' >"$tmp/check.out" 2>"$tmp/check.err"; then
    integrity=$(first_line <"$tmp/check.out")
  else
    integrity=$(first_line <"$tmp/check.err")
  fi
  integrity=${integrity:-quick_check gave no result}

  # 4. Optional trim of the copy.
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
  gzip -c <"$copy" >"$gz" 2>"$tmp/gzip.err" || die 4 "gzip of the snapshot failed: $(first_line <"$tmp/gzip.err")"
else
  gzip -c <"$METIS_DB" >"$gz" 2>"$tmp/gzip.err" || die 4 "gzip of $METIS_DB failed: $(first_line <"$tmp/gzip.err")"
fi
gz_bytes=$(file_bytes "$gz")

# ---------------------------------------------------------------------------------------------------
# 5. Upload. Every metadata value is printable ASCII without quotes or backslashes, so this JSON is valid.
metadata="{\"taken-at\":\"$taken_at\",\"source-bytes\":\"$source_bytes\",\"wal-bytes\":\"$wal_bytes\",\"integrity\":\"$integrity\""
if [ -n "$volume_pct" ]; then metadata="$metadata,\"volume-used-pct\":\"$volume_pct\""; fi
metadata="$metadata}"

set -- s3 cp "$gz" "$target" --metadata "$metadata" --content-type application/gzip --only-show-errors --no-progress
if [ -n "$AWS_ENDPOINT_URL" ]; then set -- --endpoint-url "$AWS_ENDPOINT_URL" "$@"; fi
if ! aws "$@" >"$tmp/upload.out" 2>"$tmp/upload.err"; then
  upload_error=$(cat "$tmp/upload.err" "$tmp/upload.out" | first_line)
  die 5 "upload to $target failed: ${upload_error:-aws exited non-zero without a message}"
fi

if [ "$integrity" = ok ]; then shown=ok; else shown="\"$integrity\""; fi
printf 'shipped %s bytes=%s integrity=%s taken-at=%s source=%s trim=%s\n' \
  "$target" "$gz_bytes" "$shown" "$taken_at" "$source_kind" "$trim_note"
