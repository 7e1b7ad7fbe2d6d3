// What one probe round leaves for the next (rounds run in separate invocations, lambdas/functions/probe/
// split-rounds.ts): per target, when it was last probed, whether that probe failed, how many ok rounds came
// in a row and the rounds of the flap window (flapping.ts). Kept as one item in
// the router's incident table (lambdas/adapters/dynamodb-probe-state.ts). Pure: parse and shape only.
import { z } from 'zod';
import { MetisError } from '../errors.ts';

/** The incident-table key of the one state item (no `status` attribute, so incident scans skip it). */
export const PROBE_STATE_KEY = 'probe-state#health';

const roundMarkSchema = z.object({ at: z.iso.datetime(), ok: z.boolean() });

const targetStateSchema = z
  .object({
    /** The round's time (ISO-8601 UTC). */
    at: z.iso.datetime(),
    ok: z.boolean(),
    /** Start of the current run of failures; null while ok. */
    failingSince: z.iso.datetime().nullable(),
    /** Ok rounds in a row up to this one (0 after a failure): a probe incident resolves only on sustained health. */
    okStreak: z.int().nonnegative().optional(),
    /** The rounds of the flap window, oldest first, this one last: what tells a flapping target from a down one. */
    history: z.array(roundMarkSchema).optional(),
  })
  // An item written before the streak and the history existed holds the previous round only: read it as a
  // history of that one round (an ok round counts as a streak of one; the flap window fills up again).
  .transform((t) => ({
    at: t.at,
    ok: t.ok,
    failingSince: t.failingSince,
    okStreak: t.okStreak ?? (t.ok ? 1 : 0),
    history: t.history ?? [{ at: t.at, ok: t.ok }],
  }));

export const probeStateSchema = z.object({ targets: z.record(z.string(), targetStateSchema) });

export type RoundMark = z.output<typeof roundMarkSchema>;
export type TargetState = z.output<typeof targetStateSchema>;
export type ProbeState = z.output<typeof probeStateSchema>;

export const EMPTY_PROBE_STATE: ProbeState = { targets: {} };

/** Port: one run's state for the next. `read` answers undefined when none was written yet; throws when unreadable. */
export interface StateItemStore<T> {
  read(): Promise<T | undefined>;
  write(state: T): Promise<void>;
}

/** The health rounds' state item. */
export type ProbeStateStore = StateItemStore<ProbeState>;

export class InvalidProbeStateError extends MetisError {
  override readonly name = 'InvalidProbeStateError';
}

/** A stored item's `targets` -> ProbeState; throws InvalidProbeStateError naming the bad path. */
export function parseProbeState(raw: unknown): ProbeState {
  const parsed = probeStateSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new InvalidProbeStateError(`probe state: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
}
