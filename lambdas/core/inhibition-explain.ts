// What `metis-alerts routes --rule R` says about inhibition: which rules could hold a signal of that rule
// and severity back, and under what open incident (amtool shows the same for its inhibit rules).
import type { Inhibition, SignalMatcher } from './config.ts';
import { isMoreSevere, SEVERITIES, type Severity, type SignalSource } from './signal.ts';

export interface PossibleInhibition {
  inhibition: string;
  /** The open incident it takes, in words. */
  whileOpen: string;
}

export interface RuleLabels {
  source: SignalSource;
  rule: string;
  severity: Severity;
  /** The signal's target label when the config decides it (trace DB, logs); undefined: the signal's own (probe) or none. */
  target?: string;
}

function describeMatcher(matcher: SignalMatcher): string {
  const parts = (['source', 'rule', 'subject', 'severity'] as const)
    .filter((key) => matcher[key])
    .map((key) => `${key} ${matcher[key]!.join(' or ')}`);
  return parts.length ? parts.join(', ') : 'any';
}

function covers(matcher: SignalMatcher, labels: RuleLabels): boolean {
  return (
    (!matcher.source || matcher.source.includes(labels.source)) &&
    (!matcher.rule || matcher.rule.includes(labels.rule)) &&
    (!matcher.severity || matcher.severity.includes(labels.severity))
  );
}

/** Inhibitions whose target matcher covers the rule at this severity and that some open incident could satisfy. */
export function possibleInhibitions(labels: RuleLabels, inhibitions: readonly Inhibition[]): PossibleInhibition[] {
  const found: PossibleInhibition[] = [];
  for (const inhibition of inhibitions) {
    if (!covers(inhibition.target, labels)) continue;
    const lowerOnly = inhibition.lowerSeverityOnly !== false;
    if (lowerOnly && !SEVERITIES.some((s) => isMoreSevere(s, labels.severity))) continue; // a SEV1 is never held back
    const sameTarget = inhibition.equal.includes('target');
    if (sameTarget && labels.target === undefined && labels.source !== 'probe') continue; // no target: never equal
    const equal = inhibition.equal.map((label) =>
      label === 'target' ? `target ${labels.target ?? 'the same as the signal'}` : `the same ${label}`,
    );
    found.push({
      inhibition: inhibition.name,
      whileOpen: `an open incident with ${describeMatcher(inhibition.source)}${lowerOnly ? `, more severe than ${labels.severity}` : ''}${
        equal.length ? `, ${equal.join(', ')}` : ''
      }`,
    });
  }
  return found;
}
