// Probe vantages: the AWS regions the health targets are probed from. The home stack's region always
// probes; each other listed region gets a small probe stack of its own (lib/probe-vantage-stack.ts) whose
// reports go to the home bus. A report or signal without `vantage` comes from the home region.
import { z } from 'zod';
import type { EvaluationReport } from '../signal.ts';

/** An AWS region name (`eu-central-1`, `us-gov-west-1`, `ap-southeast-2`): a typo never becomes a stack. */
export const AWS_REGION_PATTERN =
  /^[a-z]{2}(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|southeast|northwest|southwest)-\d{1,2}$/;

export const awsRegionSchema = z.string().regex(AWS_REGION_PATTERN, 'expected an AWS region name such as "eu-central-1"');

export const probesSchema = z
  .strictObject({
    /** Regions that probe the health targets besides (or including) the home region; [] = the home region only. */
    vantages: z
      .array(awsRegionSchema)
      .default([])
      .refine((regions) => new Set(regions).size === regions.length, { message: 'a region is listed twice' }),
    /** Vantages that must agree before healthz_down pages; default a majority of the vantages. */
    quorum: z.int().min(1).optional(),
  })
  .prefault({})
  // The exact count needs the home region (bin/app.ts: vantagePlan); here the largest it can be.
  .refine((p) => p.quorum === undefined || p.quorum <= Math.max(1, p.vantages.length + 1), {
    message: 'expected at most the number of vantages (the listed regions plus the home region)',
    path: ['quorum'],
  });

export type ProbesConfig = z.output<typeof probesSchema>;

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
  if (!AWS_REGION_PATTERN.test(home)) return `home region "${home}" is not an AWS region name`;
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
