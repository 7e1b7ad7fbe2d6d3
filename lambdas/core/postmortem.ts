// A post-mortem draft from a stored incident, in the runbook's exact heading set ("Use this exact
// heading set so post-mortems are scannable"). The pipeline fills what it knows (date, title, highest
// severity, duration, the router's timeline, requests dropped from the trace DB, paging failures) and
// leaves the runbook's placeholders (<plain English>, <list>, ...) for what only people know. Every
// piece of stored text passes through redactText and oneLine: a post-mortem is shared widely, and a
// line break in a summary must not be able to inject a heading.
import type { Incident } from './incident.ts';
import { VIA_LABEL } from './human/action.ts';
import { isSecondaryPage } from './notify/human-loop-text.ts';
import { TARGET_KINDS, TARGET_LABEL, targetField } from './target-kinds.ts';
import { redactText } from './redact.ts';
import { oneLine, SEVERITIES, severityRank, type Severity } from './signal.ts';
import { coversWindow, type RequestsDropped } from './trace-db/requests-dropped.ts';

export interface PostmortemInput {
  incident: Incident;
  /** Failed calls counted in the trace DB over the incident; absent when no database was given. */
  requestsDropped?: RequestsDropped;
  /** End of an ongoing incident's duration and window. */
  now: Date;
}

const MINUTE = 60_000;

/** `HH:MM` of a duration, minutes rounded down; hours keep counting past 24 (`51:05` is 2 d 3 h 5 min). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'HH:MM';
  const minutes = Math.max(0, Math.floor(ms / MINUTE));
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * The most severe level the incident reached: its current severity, what the router's timeline says it
 * opened at or moved between, and the severities of this episode's deliveries.
 */
export function highestSeverity(incident: Incident): Severity {
  const seen: Severity[] = [incident.severity];
  for (const entry of incident.timeline) {
    const moved = /^(?:opened (SEV[1-4])\b|(?:upgraded|downgraded) (SEV[1-4]) -> (SEV[1-4])\b)/.exec(entry.event);
    if (moved) for (const level of moved.slice(1)) if (isSeverity(level)) seen.push(level);
  }
  for (const delivery of incident.deliveries) {
    if (delivery.id.startsWith(`${incident.episode}:`) && isSeverity(delivery.severity)) seen.push(delivery.severity);
  }
  return seen.reduce((worst, level) => (severityRank(level) < severityRank(worst) ? level : worst));
}

export function renderPostmortem(input: PostmortemInput): string {
  const { incident, now } = input;
  const openedMs = Date.parse(incident.openedAt);
  const ongoing = incident.status !== 'resolved' || incident.resolvedAt === undefined;
  const endMs = ongoing ? now.getTime() : Date.parse(incident.resolvedAt!);
  const human = humanEntries(incident);
  const entries = [...incident.timeline.filter((entry) => !(human.length && /^ack by /.test(entry.event))), ...human]
    .map((entry, index) => ({ ms: Date.parse(entry.at), event: clean(entry.event), index }))
    .filter((entry) => !Number.isNaN(entry.ms))
    .sort((a, b) => a.ms - b.ms || a.index - b.index);
  const spansDays = new Set([openedMs, endMs, ...entries.map((e) => e.ms)].filter((ms) => !Number.isNaN(ms)).map(utcDate)).size > 1;
  const stamp = (ms: number): string => (spansDays ? `${utcDate(ms)} ${utcTime(ms)}` : utcTime(ms));

  const title = titleOf(incident);
  const duration = ongoing
    ? `ongoing (${formatDuration(endMs - openedMs)} as of ${utcDateTime(endMs)} UTC)`
    : formatDuration(endMs - openedMs);
  const lines: string[] = [
    `# Incident ${Number.isNaN(openedMs) ? 'YYYY-MM-DD' : utcDate(openedMs)} — ${title}`,
    '',
    `**Severity:** ${highestSeverity(incident)} **Duration:** ${duration} **Customer impact:** <plain English>`,
    '',
    '## Summary',
    '',
    `<Two sentences: what broke, what was user-visible, when it ended.> ${summaryFacts(incident, openedMs, endMs, ongoing)}`,
    '',
    `Last alert: ${clean(incident.lastSignal.summary) || '(no summary)'}`,
    '',
    ...targetLines(incident, endMs, ongoing),
    '## Timeline (UTC)',
    '',
  ];
  if (entries.length === 0 && !Number.isNaN(openedMs))
    lines.push(`- ${stamp(openedMs)} — first signal: incident opened ${clean(incident.severity)}`);
  for (const entry of entries) lines.push(`- ${stamp(entry.ms)} — ${entry.event}`);
  if (ongoing) lines.push(`- ${stamp(endMs)} — still open when this draft was written`);
  lines.push(
    `- HH:MM — <${incident.ack ? '' : 'ack by on-call; '}mitigation attempted (outcome); root cause identified; status page updated>`,
    '',
    '## Impact',
    '',
    '- Affected tenants: <list or "all">',
    '- Affected endpoints: <list>',
    `- Requests dropped: ${requestsDroppedText(input.requestsDropped)}`,
    '- Estimated revenue / SLA-credit impact: <USD>',
    '',
    '## Root cause',
    '',
    '<plain English: what actually broke (code path, config, infra event), one paragraph; reference commit / line if applicable>',
    '',
    '## Contributing factors',
    '',
    ...pagingFailures(incident),
    '- <list: what made this worse than it had to be (slow detection, unclear runbook, missing alert)>',
    '',
    '## What went well',
    '',
    '- <list: genuine (fast detection, good rollback, clear comms)>',
    '',
    '## What went poorly',
    '',
    '- <list: equally genuine; no blame on individuals, focus on systems and process>',
    '',
    '## Action items',
    '',
    '| Item | Owner | Due | Tracking |',
    '|--------------------------------------|---------|------------|---------------|',
    '| <item> | @<owner> | YYYY-MM-DD | <tracking link> |',
    '',
    'Action items must have an owner, a date, and a tracking link. An item without a tracking link does not exist.',
  );
  return `${lines.join('\n')}\n`;
}

/** The runbook's "ack by <on-call>" line (and a person's resolve) from what the incident recorded. */
function humanEntries(incident: Incident): { at: string; event: string }[] {
  const entries: { at: string; event: string }[] = [];
  if (incident.ack) {
    const note = incident.ack.note ? `: ${incident.ack.note}` : '';
    entries.push({ at: incident.ack.at, event: `ack by ${incident.ack.by} (${VIA_LABEL[incident.ack.via]})${note}` });
  }
  if (incident.humanResolved)
    entries.push({
      at: incident.humanResolved.at,
      event: `resolved by ${incident.humanResolved.by} in ${VIA_LABEL[incident.humanResolved.via]}`,
    });
  return entries;
}

/** Each target of the severity table, met or missed, with its time; nothing when the incident had none. */
function targetLines(incident: Incident, endMs: number, ongoing: boolean): string[] {
  const targets = incident.targets;
  if (!targets || Object.keys(targets).length === 0) return [];
  const endedAt = ongoing ? undefined : endMs;
  const verdicts = TARGET_KINDS.flatMap((kind) => {
    const due = targets[targetField(kind)];
    if (!due) return [];
    const dueMs = Date.parse(due);
    const label = `${TARGET_LABEL[kind]} by ${utcDateTime(dueMs)}`;
    const doneMs = kind === 'ack' ? (incident.ack ? Date.parse(incident.ack.at) : undefined) : endedAt;
    if (doneMs !== undefined && doneMs <= dueMs) return [`${label}: met (${utcTime(doneMs)})`];
    const missedAt = incident.missedTargets?.[kind];
    if (missedAt || doneMs !== undefined || endMs >= dueMs) {
      const then = doneMs !== undefined ? `; ${kind === 'ack' ? 'acknowledged' : 'resolved'} ${utcTime(doneMs)}` : '';
      const paged = incident.deliveries.some((d) => d.id.startsWith(`${incident.episode}:`) && isSecondaryPage(d));
      const secondary =
        kind === 'ack' && incident.escalatedAt && paged ? `; secondary paged ${utcTime(Date.parse(incident.escalatedAt))}` : '';
      return [`${label}: missed${then}${secondary}`];
    }
    return [`${label}: pending`];
  });
  return [`Targets (${clean(incident.severity)}, all times UTC): ${verdicts.join('; ')}.`, ''];
}

function titleOf(incident: Incident): string {
  const rule = clean(incident.rule) || 'unknown rule';
  const subject = clean(incident.subject);
  return oneLine(subject && subject !== rule ? `${rule} on ${subject}` : rule, 120);
}

function summaryFacts(incident: Incident, openedMs: number, endMs: number, ongoing: boolean): string {
  const opened = Number.isNaN(openedMs) ? 'at an unknown time' : `at ${utcDateTime(openedMs)} UTC`;
  const runbook = incident.lastSignal.runbook ? ` Runbook section: ${clean(incident.lastSignal.runbook)}.` : '';
  const end = ongoing ? `it was still open at ${utcDateTime(endMs)} UTC` : `it resolved at ${utcDateTime(endMs)} UTC`;
  return `Alert \`${clean(incident.rule)}\` (source ${clean(incident.source)}, dedup key \`${clean(incident.dedupKey)}\`, episode ${incident.episode}) opened ${opened}; ${end}.${runbook}`;
}

function requestsDroppedText(result: RequestsDropped | undefined): string {
  if (result === undefined) return 'n/a (no --db given)';
  const window = `llm.call_completed with stop_reason='error' from ${utcDateTime(Date.parse(result.from))} to ${utcDateTime(Date.parse(result.to))} UTC`;
  if (result.firstCallAt === null || result.lastCallAt === null) {
    return `${result.count} (${window}; the trace DB holds no llm.call_completed events at all: is it the right file?)`;
  }
  const caveat = coversWindow(result)
    ? ''
    : `; the trace DB holds calls from ${utcDateTime(Date.parse(result.firstCallAt))} to ${utcDateTime(Date.parse(result.lastCallAt))} UTC only, so this may undercount`;
  return `${result.count} (${window}${caveat})`;
}

/** Deliveries of this episode that never reached their sink: paging that failed made the incident worse. */
function pagingFailures(incident: Incident): string[] {
  return incident.deliveries
    .filter((d) => d.id.startsWith(`${incident.episode}:`) && d.status === 'failed')
    .map(
      (d) =>
        `- Paging: ${d.sink} ${d.action} ${d.severity} failed${d.error ? ` (${clean(d.error)})` : ''}${d.lastAttemptAt ? ` at ${utcDateTime(Date.parse(d.lastAttemptAt))} UTC` : ''}`,
    );
}

function clean(text: unknown): string {
  return typeof text === 'string' ? oneLine(redactText(text)) : '';
}

function isSeverity(value: unknown): value is Severity {
  return (SEVERITIES as readonly unknown[]).includes(value);
}

function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function utcTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

function utcDateTime(ms: number): string {
  return Number.isNaN(ms) ? 'an unknown time' : `${utcDate(ms)} ${utcTime(ms)}`;
}
