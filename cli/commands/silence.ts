// `metis-alerts silence add|list|expire`: one-off silences in the deployed incident table. The router
// records a silenced signal on its incident instead of notifying; the sweeper posts when a silence ends.
//
//   silence add --rule R [--subject S] (--for 2h|90m|1d|1h30m | --until ISO) --reason TEXT [--now ISO] [--table NAME] [--json]
//   silence list [--all] [--now ISO] [--table NAME] [--json]
//   silence expire ID [--now ISO] [--table NAME] [--json]
//
// Ids are made here, at the edge (core never generates randomness or reads the clock).
import { getRandomValues } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DynamoDbSilenceStore } from '../../lambdas/adapters/dynamodb-silence-store.ts';
import type { SilenceStore } from '../../lambdas/core/ports.ts';
import { redactText } from '../../lambdas/core/redact.ts';
import { oneLine } from '../../lambdas/core/signal.ts';
import { RULE_IDS } from '../../lambdas/core/rule-ids.ts';
import { silenceEnd, type Silence } from '../../lambdas/core/silence.ts';
import { didYouMean } from '../did-you-mean.ts';
import { UsageError } from '../errors.ts';
import { SPECS } from '../spec.ts';
import { formatTable } from '../format-table.ts';
import { deployedNames, type StackFlags } from '../deployed-stack.ts';
import { incidentTableClient, onTable } from '../deployed-table.ts';
import { currentUser, parseInstant, type Output } from '../io.ts';

/** A silence longer than this is almost always forgotten: use a maintenance window in the config instead. */
export const MAX_SILENCE_MS = 30 * 86_400_000;
export const MAX_REASON_CHARS = 500;

/** Crockford base32, lower case: no i, l, o, u, so an id read aloud or retyped survives. */
const ID_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const ID_PATTERN = /^sil_[0-9a-hjkmnp-tv-z]{10}$/;
const RULE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/** `sil_` + 10 base32 chars (50 random bits from the platform CSPRNG). */
export function newSilenceId(random: (bytes: Uint8Array) => Uint8Array = (b) => getRandomValues(b)): string {
  const bytes = random(new Uint8Array(10));
  // 256 is a multiple of 32, so the low five bits of each byte are uniform.
  return `sil_${Array.from(bytes, (b) => ID_ALPHABET[b & 31]).join('')}`;
}

/** `90m`, `2h`, `1d`, `1h30m`, `1d12h` -> milliseconds (at most 30 days). */
export function parseDuration(text: string): number {
  const m = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/.exec(text.trim());
  const ms = m ? (Number(m[1] ?? 0) * 1440 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 60_000 : 0;
  if (!m || ms <= 0) throw new UsageError(`--for: expected a duration such as 90m, 2h, 1d or 1h30m, got "${text}"`);
  if (ms > MAX_SILENCE_MS)
    throw new UsageError(`--for: at most 30d, got "${text}" (use a maintenance window in the config for recurring quiet times)`);
  return ms;
}

export interface SilenceAddInput {
  rule?: string | undefined;
  subject?: string | undefined;
  for?: string | undefined;
  until?: string | undefined;
  reason?: string | undefined;
  /** The rule is the `metis:rule` tag of the operator's own CloudWatch alarms: not one of the built-in ids. */
  'alarm-rule'?: boolean | undefined;
}

/** Validate `silence add`'s flags and build the silence (pure apart from the id and user handed in). */
export function buildSilence(input: SilenceAddInput, now: Date, id: string, createdBy: string): Silence {
  const rule = input.rule?.trim() ?? '';
  if (!rule) throw new UsageError('--rule RULE is required (a rule id such as model_error_rate)');
  if (!RULE_PATTERN.test(rule)) throw new UsageError(`--rule: expected a rule id such as "model_error_rate", got "${input.rule}"`);
  // Checked before any AWS call: a silence for a misspelt rule would mute nothing and look done.
  if (!input['alarm-rule'] && !RULE_IDS.includes(rule))
    throw new UsageError(
      `--rule: no rule "${rule}"${didYouMean(rule, RULE_IDS, (id) => `"${id}"`)} (docs/runbook-mapping.md lists the rule ids; add --alarm-rule for your own alarm's metis:rule tag)`,
    );
  const subject = input.subject === undefined ? undefined : oneLine(input.subject, 200);
  if (subject === '')
    throw new UsageError('--subject: expected the subject to silence (leave the flag out to silence every subject of the rule)');
  const reason = oneLine(redactText(input.reason ?? ''), MAX_REASON_CHARS);
  if (!reason) throw new UsageError('--reason TEXT is required (say why, so on-call knows what is muted)');
  if (input.for !== undefined && input.until !== undefined) throw new UsageError('give either --for or --until, not both');
  if (input.for === undefined && input.until === undefined) throw new UsageError('--for DURATION (e.g. 2h) or --until ISO is required');

  let endsMs: number;
  if (input.for !== undefined) {
    endsMs = now.getTime() + parseDuration(input.for);
  } else {
    endsMs = parseInstant(input.until, '--until')!.getTime();
    if (endsMs <= now.getTime()) throw new UsageError(`--until: ${input.until} is not in the future (now is ${now.toISOString()})`);
    if (endsMs - now.getTime() > MAX_SILENCE_MS)
      throw new UsageError(
        `--until: at most 30 days ahead, got ${input.until} (use a maintenance window in the config for recurring quiet times)`,
      );
  }
  const at = now.toISOString();
  return {
    id,
    rule,
    ...(subject === undefined ? {} : { subject }),
    startsAt: at,
    endsAt: new Date(endsMs).toISOString(),
    reason,
    createdBy,
    createdAt: at,
  };
}

export type SilenceState = 'pending' | 'active' | 'expired' | 'ended';

export function silenceState(silence: Silence, now: Date): SilenceState {
  const t = now.getTime();
  if (t >= silenceEnd(silence)) {
    return silence.expiredAt !== undefined && Date.parse(silence.expiredAt) < Date.parse(silence.endsAt) ? 'expired' : 'ended';
  }
  return t < Date.parse(silence.startsAt) ? 'pending' : 'active';
}

export interface SilenceCommandDeps {
  env: NodeJS.ProcessEnv;
  /** The store for a table name (tests may pass a MemorySilenceStore). */
  store?: (tableName: string) => SilenceStore;
  newId?: () => string;
  user?: () => string;
}

export async function runSilenceCommand(args: string[], out: Output, deps: SilenceCommandDeps = { env: process.env }): Promise<void> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add':
      return silenceAdd(rest, out, deps);
    case 'list':
      return silenceList(rest, out, deps);
    case 'expire':
      return silenceExpire(rest, out, deps);
    default:
      throw new UsageError(
        sub ? `unknown subcommand "${sub}" (expected add, list or expire)` : 'expected a subcommand: add, list or expire',
      );
  }
}

async function openStore(flags: StackFlags, deps: SilenceCommandDeps): Promise<{ store: SilenceStore; tableName: string }> {
  const { table: tableName } = await deployedNames(['table'], flags, deps.env);
  const store = deps.store ? deps.store(tableName) : new DynamoDbSilenceStore({ client: incidentTableClient(), tableName });
  return { store, tableName };
}

async function silenceAdd(args: string[], out: Output, deps: SilenceCommandDeps): Promise<void> {
  const { values } = parseArgs({
    args,
    options: SPECS['silence add'].flags,
    strict: true,
  });
  const now = parseInstant(values.now, '--now') ?? new Date();
  const silence = buildSilence(values, now, (deps.newId ?? newSilenceId)(), (deps.user ?? (() => currentUser(deps.env)))());
  const { store, tableName } = await openStore(values, deps);
  await onTable(tableName, () => store.put(silence));
  if (values.json) {
    out.stdout.write(`${JSON.stringify(silence, null, 2)}\n`);
    return;
  }
  out.stdout.write(
    [
      `created ${silence.id}: ${scopeOf(silence)} from ${silence.startsAt} to ${silence.endsAt}`,
      `  reason: ${silence.reason}`,
      `  end it early: metis-alerts silence expire ${silence.id}`,
      '',
    ].join('\n'),
  );
}

async function silenceList(args: string[], out: Output, deps: SilenceCommandDeps): Promise<void> {
  const { values } = parseArgs({
    args,
    options: SPECS['silence list'].flags,
    strict: true,
  });
  const now = parseInstant(values.now, '--now') ?? new Date();
  const { store, tableName } = await openStore(values, deps);
  // Without --all: what silences now or later (listCurrent also holds ended ones not yet announced).
  const silences = values.all
    ? await onTable(tableName, () => store.listAll())
    : (await onTable(tableName, () => store.listCurrent())).filter((s) => silenceEnd(s) > now.getTime());
  const rows = silences.map((s) => ({ ...s, state: silenceState(s, now) }));
  if (values.json) {
    out.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    out.stdout.write(values.all ? 'no silences\n' : 'no active or pending silences (--all for ended ones)\n');
    return;
  }
  const table = [['ID', 'STATE', 'RULE', 'SUBJECT', 'STARTS', 'ENDS', 'BY', 'REASON']];
  for (const s of rows) {
    table.push([s.id, s.state, s.rule, s.subject ?? '(all)', s.startsAt, new Date(silenceEnd(s)).toISOString(), s.createdBy, s.reason]);
  }
  out.stdout.write(formatTable(table));
}

async function silenceExpire(args: string[], out: Output, deps: SilenceCommandDeps): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: SPECS['silence expire'].flags,
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError(`expire: expected one silence id (sil_...), got ${positionals.length}`);
  const given = positionals[0]!.trim();
  const id = given.toLowerCase();
  if (!ID_PATTERN.test(id))
    throw new UsageError(`expire: "${given}" is not a silence id (sil_ and 10 letters or digits; see silence list)`);
  const now = parseInstant(values.now, '--now') ?? new Date();
  const { store, tableName } = await openStore(values, deps);
  const silence = await onTable(tableName, () => store.get(id));
  if (!silence) throw new UsageError(`expire: no silence ${id} in table ${tableName} (see silence list --all)`);
  if (silenceEnd(silence) <= now.getTime()) {
    out.stdout.write(
      values.json
        ? `${JSON.stringify(silence, null, 2)}\n`
        : `${id} already ended at ${new Date(silenceEnd(silence)).toISOString()}; nothing changed\n`,
    );
    return;
  }
  const expired: Silence = { ...silence, expiredAt: now.toISOString() };
  await onTable(tableName, () => store.put(expired));
  out.stdout.write(
    values.json
      ? `${JSON.stringify(expired, null, 2)}\n`
      : `expired ${id} (${scopeOf(silence)}) at ${expired.expiredAt}; matching signals notify again (the sweeper posts the end to chatops)\n`,
  );
}

function scopeOf(silence: Silence): string {
  return `rule ${silence.rule}, ${silence.subject === undefined ? 'all subjects' : `subject ${silence.subject}`}`;
}
