// What the pipeline knows about sinks, derived from the registry's specs: the config's `sinks` and
// `routing.storm` schemas, the configured sinks with their secrets and notifiers, what the functions
// receive of them, labels, storm budgets and the dry run's stand-ins.
import { z } from 'zod';
import type { Sink } from '../incident.ts';
import type { Notifiers } from './notifier.ts';
import { SINK_SPECS } from './registry.ts';
import type { SinkInstance, SinkSecret, SinkSpec, SinkTransports } from './spec.ts';

type RegisteredSpec = (typeof SINK_SPECS)[number];
type SinksShape = { [S in RegisteredSpec as S['configKey']]: S['config'] };
type StormShape = { [S in RegisteredSpec as S['storm']['key']]: z.ZodDefault<z.ZodInt> };

/** Config `sinks`: one block per spec, under its config key. */
export const sinksSchema = z
  .strictObject(Object.fromEntries(SINK_SPECS.map((spec) => [spec.configKey, spec.config])) as SinksShape)
  .prefault({});

/** Config `routing.storm`: requests a minute per sink, one key per spec. */
export const stormSchema = z
  .strictObject(
    Object.fromEntries(SINK_SPECS.map((spec) => [spec.storm.key, z.int().positive().default(spec.storm.perMinute)])) as StormShape,
  )
  .prefault({});

const SPECS: readonly SinkSpec[] = SINK_SPECS;

export type SinksConfig = z.output<typeof sinksSchema>;
export type StormBudgets = z.output<typeof stormSchema>;

/** Some or all of the sinks' blocks: a missing block is an unconfigured sink (or its default). */
export type SinksInput = Partial<SinksConfig>;

/** The spec of a sink name: its own, or the list spec whose pattern (`webhook:*`) it matches. */
export function specOf(sink: Sink): SinkSpec | undefined {
  return SPECS.find((spec) => (spec.name.endsWith('*') ? sink.startsWith(spec.name.slice(0, -1)) : spec.name === sink));
}

/** A configured sink with its spec. */
export interface ConfiguredSink extends SinkInstance {
  spec: SinkSpec;
}

/** Every configured sink, in planning order, from the sinks' config blocks (as parsed from the config file). */
export function configuredSinks(sinks: SinksInput): ConfiguredSink[] {
  const blocks = sinks as Record<string, unknown>;
  return SPECS.flatMap((spec) => spec.instances(blocks[spec.configKey]).map((instance) => ({ ...instance, spec })));
}

export function buildNotifiers(sinks: SinksInput, transports: SinkTransports): Notifiers {
  return Object.fromEntries(configuredSinks(sinks).map((instance) => [instance.sink, instance.notifier(transports)]));
}

/** The secrets of the configured sinks: the stack grants read on exactly these parameters. */
export function sinkSecrets(sinks: SinksInput): { sink: Sink; secret: SinkSecret }[] {
  return configuredSinks(sinks).flatMap((instance) => (instance.secret ? [{ sink: instance.sink, secret: instance.secret }] : []));
}

/** What the router and the sweeper receive of the sinks (SINKS): SSM names and public URLs, never an address. */
export function deployedSinks(sinks: SinksInput): Record<string, unknown> {
  const blocks = sinks as Record<string, unknown>;
  const entries = SPECS.map((spec) => [spec.configKey, spec.deployed(blocks[spec.configKey])] as const);
  return Object.fromEntries(entries.filter(([, part]) => part !== undefined));
}

/**
 * The sinks a dry run delivers to: the configured ones, plus each spec's stand-in when no sink of its policy
 * column is configured (PagerDuty when no paging provider is), so paging decisions stay visible.
 */
export function dryRunSinks(sinks: SinksInput): SinksInput {
  const columns = new Set(configuredSinks(sinks).map((instance) => instance.spec.policyColumn));
  const standIns = SPECS.filter((spec) => spec.dryRun.standIn !== undefined && !columns.has(spec.policyColumn));
  return { ...sinks, ...Object.fromEntries(standIns.map((spec) => [spec.configKey, spec.dryRun.standIn])) };
}

/** Name in messages: the spec's label ("PagerDuty"), or for a list sink the sink itself ("webhook:keep"). */
export function sinkLabel(sink: Sink): string {
  const spec = specOf(sink);
  return !spec || spec.name.endsWith('*') ? sink : spec.label;
}

/** What a sink's secret is, for the operator ("routing-key"). */
export function secretLabel(sink: Sink): string {
  return specOf(sink)?.secretLabel ?? 'secret';
}

/** Storm control's budget of a sink per minute: its spec's key in `routing.storm`, else the spec's default. */
export function stormBudgetOf(sink: Sink, storm: StormBudgets): number {
  const spec = specOf(sink);
  const configured = spec ? (storm as Record<string, number | undefined>)[spec.storm.key] : undefined;
  return configured ?? spec?.storm.perMinute ?? Math.min(...SPECS.map((s) => s.storm.perMinute));
}
