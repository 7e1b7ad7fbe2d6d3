// `metis-alerts routes --severity SEVn --at ISO [--rule R] [--config FILE] [--json]`: who would be notified
// for a severity at a time, the escalation that follows (Alertmanager's `amtool config routes test`), the
// ack deadline and who gets the secondary page when it passes.
import { parseArgs } from 'node:util';
import type { Config, SinkSelection } from '../../lambdas/core/config.ts';
import { possibleInhibitions, type PossibleInhibition } from '../../lambdas/core/inhibition-explain.ts';
import type { RouterSettings } from '../../lambdas/core/router-settings.ts';
import { targetOf } from '../../lambdas/core/target-label.ts';
import { sourceOfRule } from './rule-source.ts';
import type { Sink } from '../../lambdas/core/incident.ts';
import { configuredSinks as configuredSinkInstances, dryRunSinks } from '../../lambdas/core/notify/sink-catalog.ts';
import { expandSelection, orderSinks } from '../../lambdas/core/notify/sinks.ts';
import { publishesToStatuspage } from '../../lambdas/core/notify/statuspage/call.ts';
import { routerSettingsOf } from '../../lambdas/core/router-settings.ts';
import { sinksFor } from '../../lambdas/core/routing-policy.ts';
import { targetsAt } from '../../lambdas/core/targets.ts';
import { SEVERITIES, type Severity } from '../../lambdas/core/signal.ts';
import { silenceFor } from '../../lambdas/core/suppression.ts';
import { UsageError } from '../errors.ts';
import { SPECS } from '../spec.ts';
import { parseInstant, resolveConfig, type Output } from '../io.ts';

export interface RoutesAnswer {
  sinks: Sink[];
  escalation: { at: string; sinks: Sink[] } | null;
  /** With --rule: the maintenance window that silences the rule at that time (nothing is notified). */
  silencedBy?: string;
  /** With --rule: the inhibitions that could hold it back (posted to chatops as suppressed), and under what open incident. */
  inhibitedWhile?: PossibleInhibition[];
  /** The ack target of an incident opened then (null: the severity has none). */
  ackBy: string | null;
  /** Who is paged when that target passes unacknowledged (empty: only the chatops "ack target missed" post). */
  secondary: string[];
}

/** The sinks a config can reach, as the dry run sees them (PagerDuty assumed when no paging provider is configured). */
export function configuredSinks(config: Config): Sink[] {
  return orderSinks(configuredSinkInstances(dryRunSinks(config.sinks)).map((instance) => instance.sink));
}

export function routesFor(severity: Severity, at: Date, config: Config, rule?: string): RoutesAnswer {
  const settings = routerSettingsOf(config);
  const active = configuredSinks(config);
  const { sinks, escalates } = sinksFor(severity, at, settings);
  const routed = routesAt(severity, at, settings, active, sinks, escalates, rule);
  // A silenced incident pages nobody, so no ack is awaited.
  const answer = { ...routed, ...(routed.silencedBy ? { ackBy: null, secondary: [] } : ackTarget(severity, at, settings)) };
  if (!rule || answer.silencedBy) return answer;
  const source = sourceOfRule(rule);
  // The target label the router would give it: the trace DB's and the log groups' targets come from config.
  const target = targetOf({ source, rule, subject: '*', details: {} }, settings.signalTargets);
  return { ...answer, inhibitedWhile: possibleInhibitions({ source, rule, severity, target }, settings.routing.inhibitions) };
}

/** The ack deadline of an incident opened at `at`, and the secondary it escalates to. */
function ackTarget(severity: Severity, at: Date, settings: RouterSettings): Pick<RoutesAnswer, 'ackBy' | 'secondary'> {
  return { ackBy: targetsAt(severity, at, settings).ackBy ?? null, secondary: settings.routing.secondary ?? [] };
}

function routesAt(
  severity: Severity,
  at: Date,
  settings: RouterSettings,
  active: Sink[],
  sinks: SinkSelection,
  escalates: boolean,
  rule: string | undefined,
): Omit<RoutesAnswer, 'ackBy' | 'secondary'> {
  if (rule) {
    const probe = {
      source: 'manual',
      rule,
      subject: '*',
      severity,
      status: 'firing',
      dedupKey: `${rule}:*`,
      summary: '',
      observedAt: at.toISOString(),
      details: {},
    } as const;
    const silenced = silenceFor(probe, [], settings.routing.maintenanceWindows, at);
    if (silenced) return { sinks: [], escalation: null, silencedBy: silenced.id };
  }
  // The status page gets only a SEV1/SEV2 it publishes (with --rule: that rule's; without: any such rule).
  const published = (sink: Sink): boolean =>
    sink !== 'statuspage' || (rule ? publishesToStatuspage({ rule, details: {} }, severity) : severity === 'SEV1' || severity === 'SEV2');
  const now = expandSelection(sinks, active).filter(published);
  if (!escalates) return { sinks: now, escalation: null };
  const escalateAt = new Date(at.getTime() + settings.routing.escalateAfterMinutes * 60_000);
  const later = expandSelection({ ...settings.routing.policy[severity].businessHours, chatops: false }, active).filter(published);
  return { sinks: now, escalation: { at: escalateAt.toISOString(), sinks: [...later, 'chatops'] } };
}

export async function runRoutesCommand(args: string[], out: Output): Promise<void> {
  const { values } = parseArgs({
    args,
    options: SPECS.routes.flags,
    strict: true,
  });
  const severity = values.severity as Severity | undefined;
  if (!severity || !SEVERITIES.includes(severity)) throw new UsageError(`routes: --severity must be one of ${SEVERITIES.join(', ')}`);
  const at = parseInstant(values.at, '--at');
  if (!at) throw new UsageError('routes: --at ISO is required (e.g. 2026-11-28T03:00:00Z)');
  const answer = routesFor(severity, at, resolveConfig(values.config, out.stderr), values.rule);
  if (values.json) {
    out.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
    return;
  }
  const lines = [`${severity} at ${at.toISOString()}: ${answer.sinks.length ? answer.sinks.join(', ') : 'no sink'}`];
  if (answer.silencedBy) lines.push(`silenced by ${answer.silencedBy}`);
  if (answer.inhibitedWhile)
    lines.push(
      ...(answer.inhibitedWhile.length
        ? answer.inhibitedWhile.map((i) => `held back (chatops "suppressed", no page) by inhibition ${i.inhibition} while ${i.whileOpen}`)
        : ['no inhibition can hold it back']),
    );
  lines.push(
    answer.escalation ? `escalates at ${answer.escalation.at} if still firing: ${answer.escalation.sinks.join(', ')}` : 'no escalation',
  );
  lines.push(
    answer.ackBy
      ? `ack by ${answer.ackBy} (routing.targets.${severity}.ack), else "ack target missed" on chatops and ${
          answer.secondary.length
            ? `a page to the secondary: ${answer.secondary.join(', ')}`
            : 'no secondary page (routing.secondary is empty)'
        }`
      : 'no ack target',
  );
  out.stdout.write(`${lines.join('\n')}\n`);
}
