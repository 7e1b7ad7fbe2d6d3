// `metis-alerts check --db FILE [--now ISO] [--config FILE] [--meta FILE] [--json]`: every trace-DB rule on
// a local SQLite file (plain or .gz), the same engine the trace-check Lambda runs.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseShipperMetadata, SHIPPER_METADATA_KEYS } from '../../lambdas/adapters/s3-snapshot-source.ts';
import { openSnapshot } from '../../lambdas/adapters/sqljs-database.ts';
import type { Config } from '../../lambdas/core/config.ts';
import type { SnapshotMeta } from '../../lambdas/core/trace-db/context.ts';
import { evaluateTraceDb, type TraceDbEvaluation } from '../../lambdas/core/trace-db/evaluate.ts';
import { isOpenFailure } from '../../lambdas/core/trace-db/sql-port.ts';
import { UsageError } from '../errors.ts';
import { cliAnalyticsInput } from './check-analytics.ts';
import { firstBytes, parseInstant, readText, resolveConfig, type Output } from '../io.ts';
import { SPECS } from '../spec.ts';
import { didYouMean } from '../did-you-mean.ts';
import { errorMessage } from '../../lambdas/core/errors.ts';

export async function checkDatabase(
  path: string,
  config: Config,
  now: Date,
  meta: SnapshotMeta = {},
  /** `--analytics-url`: compare /analytics/by_key too (analytics_drift). */
  analyticsUrl?: string,
): Promise<TraceDbEvaluation & { warnings: string[] }> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new UsageError(`${path}: cannot read the database file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const analytics = analyticsUrl === undefined ? undefined : await cliAnalyticsInput(analyticsUrl, config, now, meta);
  // A corrupt or non-SQLite file is a finding (db_integrity), not bad input.
  const db = await openSnapshot(bytes);
  // db_integrity fires as deployed; locally the likeliest cause is a wrong path, and the runbook's answer to
  // a corrupt trace DB is drastic: say so on stderr before anyone acts on it.
  const warnings =
    isOpenFailure(db) && (db.reason === 'not_sqlite' || db.reason === 'empty')
      ? [
          `warning: ${path} is not a SQLite database (${bytes.length === 0 ? 'empty file' : `first bytes ${firstBytes(bytes)}`}): check the path before scaling anything to zero`,
        ]
      : [];
  try {
    return { ...evaluateTraceDb(db, { now, rules: config.rules, meta, ...(analytics ? { analytics } : {}) }), warnings };
  } finally {
    if (!isOpenFailure(db)) db.close();
  }
}

/** The camelCase keys of `--meta` (the shipper's `latest.db.gz.meta.json` has this shape). */
const META_TEXT_KEYS = ['takenAt', 'integrity', 'quickCheckAt', 'windowFrom', 'lastBackupAt', 'lastBackupError'] as const;
const META_NUMBER_KEYS = ['volumeUsedPct', 'sourceBytes', 'walBytes', 'snapshotBytes', 'windowHours'] as const;

/** `--meta FILE`: the engine's SnapshotMeta (`takenAt`, ...) or the shipper's S3 metadata (`taken-at`, ...). */
export function readMeta(path: string): SnapshotMeta {
  let raw: unknown;
  try {
    raw = JSON.parse(readText(path, 'the metadata file'));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${path}: not valid JSON (${errorMessage(error)})`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new UsageError(`${path}: expected a JSON object of snapshot metadata`);
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.some(([key]) => key.includes('-'))) {
    const shipper = entries.map(([k, v]) => [k.replace(/^x-amz-meta-/, ''), String(v)] as const);
    const unknownKey = shipper.find(([key]) => !(SHIPPER_METADATA_KEYS as readonly string[]).includes(key))?.[0];
    if (unknownKey !== undefined) throw unknownMetaKey(path, unknownKey, SHIPPER_METADATA_KEYS);
    return parseShipperMetadata(Object.fromEntries(shipper));
  }
  const meta: SnapshotMeta = {};
  const object = raw as Record<string, unknown>;
  for (const key of META_TEXT_KEYS) {
    if (object[key] !== undefined) {
      if (typeof object[key] !== 'string') throw new UsageError(`${path}: ${key}: expected a string`);
      meta[key] = object[key] as string;
    }
  }
  for (const key of META_NUMBER_KEYS) {
    if (object[key] !== undefined) {
      if (typeof object[key] !== 'number' || !Number.isFinite(object[key])) throw new UsageError(`${path}: ${key}: expected a number`);
      meta[key] = object[key] as number;
    }
  }
  const unknown = entries
    .map(([key]) => key)
    .filter((key) => !(META_TEXT_KEYS as readonly string[]).includes(key) && !(META_NUMBER_KEYS as readonly string[]).includes(key));
  if (unknown.length) throw unknownMetaKey(path, unknown[0]!, [...META_TEXT_KEYS, ...META_NUMBER_KEYS]);
  return meta;
}

/** An unknown key would be ignored and read as "no such fact": refused like the config's unknown keys. */
function unknownMetaKey(path: string, key: string, known: readonly string[]): UsageError {
  const hint = didYouMean(key, known, (k) => `"${k}"`);
  return new UsageError(`${path}: unknown key "${key}"${hint} (expected ${known.join(', ')})`);
}

export function formatEvaluation(evaluation: TraceDbEvaluation): string {
  const lines = [`evaluated: ${evaluation.evaluated.join(', ') || '(none)'}`];
  if (evaluation.signals.length === 0) lines.push('no signals fired');
  for (const s of evaluation.signals) lines.push(`${s.severity}  ${s.dedupKey}\n      ${s.summary}`);
  for (const e of evaluation.errors) lines.push(`rule ${e.rule} could not run: ${e.message}`);
  return `${lines.join('\n')}\n`;
}

/** One stderr line per rule that is on but could not judge: `disk_usage: could not evaluate: <why>`. */
export function formatNotEvaluated(notEvaluated: Record<string, string>): string {
  return Object.entries(notEvaluated)
    .map(([rule, why]) => `${rule}: could not evaluate: ${why}\n`)
    .join('');
}

/** The whole command, for cli/main.ts. */
export async function checkCommand(args: string[], out: Output): Promise<void> {
  const { values } = parseArgs({ args, options: SPECS.check.flags, strict: true });
  if (!values.db) throw new UsageError('check: --db FILE is required');
  const config = resolveConfig(values.config, out.stderr);
  const now = parseInstant(values.now, '--now') ?? new Date();
  const meta = values.meta ? readMeta(values.meta) : {};
  const evaluation = await checkDatabase(values.db, config, now, meta, values['analytics-url']);
  for (const warning of evaluation.warnings) out.stderr.write(`${warning}\n`);
  const { evaluated, healthy, signals, notEvaluated } = evaluation;
  // With source and evaluatedAt, each output is an evaluation report that `route --signals` replays.
  const json = { source: 'trace-db', evaluatedAt: now.toISOString(), evaluated, healthy, signals, notEvaluated };
  // A rule that could not judge is said on stderr whatever the format: a blind rule is never silent.
  out.stderr.write(formatNotEvaluated(notEvaluated));
  out.stdout.write(values.json ? `${JSON.stringify(json, null, 2)}\n` : formatEvaluation(evaluation));
}
