// Sustained health and flapping for a probed target, from its recent rounds (probe-state.ts). A target that
// alternates fail / ok (one of two replicas dead behind a round robin) must be one open incident that says
// "flapping", not a trigger and a resolve every 30 s; a target that really recovered resolves after
// `resolveAfterOkRounds` good rounds in a row. Pure: the rounds and the time come in.
import type { Config } from '../config.ts';
import type { RoundMark } from './probe-state.ts';

export type FlapRules = Pick<Config['rules']['healthz_down'], 'resolveAfterOkRounds' | 'flapWindowMinutes' | 'flapShare'>;

export interface FlapVerdict {
  flapping: boolean;
  /** Rounds inside the window (this one included) and how many of them failed. */
  rounds: number;
  failed: number;
  windowMinutes: number;
}

const MINUTE = 60_000;

/** The rounds still inside the window ending at `now`, oldest first; the history a target keeps. */
export function roundsInWindow(history: readonly RoundMark[], now: Date, windowMinutes: number): RoundMark[] {
  const from = now.getTime() - windowMinutes * MINUTE;
  return history.filter((r) => {
    const at = Date.parse(r.at);
    return at > from && at <= now.getTime();
  });
}

/**
 * Flapping: at least `flapShare` of the window's rounds failed AND the target came back in between (two
 * separate runs of failures). A target down the whole window, or down and then recovering, is not
 * flapping: it is down, or recovering, and says so.
 */
export function flapVerdict(history: readonly RoundMark[], now: Date, rules: FlapRules): FlapVerdict {
  const window = roundsInWindow(history, now, rules.flapWindowMinutes);
  const failed = window.filter((r) => !r.ok).length;
  let failureRuns = 0;
  window.forEach((r, i) => {
    if (!r.ok && (i === 0 || window[i - 1]!.ok)) failureRuns++;
  });
  const flapping = window.length > 0 && failed / window.length >= rules.flapShare && failureRuns >= 2;
  return { flapping, rounds: window.length, failed, windowMinutes: rules.flapWindowMinutes };
}

/** The evidence that resolves a probe incident: enough ok rounds in a row, and not flapping. */
export function sustainedHealth(okStreak: number, flap: FlapVerdict, rules: FlapRules): boolean {
  return okStreak >= rules.resolveAfterOkRounds && !flap.flapping;
}
