// Probe vantages: the AWS regions the health targets are probed from (config `probes`). The home stack's
// region always probes; each other listed region gets a small probe stack of its own
// (lib/probe-vantage-stack.ts) whose reports go to the home bus. A report or signal without `vantage`
// comes from the home region.
import { regionName } from '../signal-schema.ts';
import type { EvaluationReport } from '../signal.ts';

/** `probes` as the config holds it (config.ts). */
export interface ProbesConfig {
  vantages: readonly string[];
  quorum?: number | undefined;
}

/** More than half of `count` vantages. */
export function majority(count: number): number {
  return Math.floor(count / 2) + 1;
}

export interface VantagePlan {
  /** The region of the home stack (bus, router, its own probe). */
  home: string;
  /** Every vantage, the home region first. */
  all: string[];
  /** The vantages that need a probe stack of their own. */
  extra: string[];
  /** How many vantages must see a failure before it pages (1..all.length). */
  quorum: number;
}

/** The vantages of a config once the home region is known; a string naming the problem when the quorum cannot be met. */
export function vantagePlan(probes: ProbesConfig, home: string): VantagePlan | string {
  if (!regionName.safeParse(home).success) return `home region "${home}" is not an AWS region name`;
  const extra = probes.vantages.filter((region) => region !== home);
  const all = [home, ...extra];
  const quorum = probes.quorum ?? majority(all.length);
  if (quorum > all.length)
    return `probes.quorum: ${quorum} is more than the ${all.length} vantage${all.length === 1 ? '' : 's'} (${all.join(', ')})`;
  return { home, all, extra, quorum };
}

/** The report with its vantage named on it and on each of its signals (unchanged without a vantage). */
export function withVantage(report: EvaluationReport, vantage: string | undefined): EvaluationReport {
  if (!vantage) return report;
  return { ...report, vantage, signals: report.signals.map((signal) => ({ ...signal, vantage })) };
}
