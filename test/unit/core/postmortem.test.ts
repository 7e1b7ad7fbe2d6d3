// The post-mortem draft: the runbook's exact heading set in order, the severity/duration line, the
// router's timeline in UTC, requests dropped, redaction, and an incident that is still open.
import { describe, expect, it } from 'vitest';
import type { DeliveryRecord, Incident } from '../../../lambdas/core/incident.ts';
import { formatDuration, highestSeverity, renderPostmortem } from '../../../lambdas/core/postmortem.ts';
import type { Signal } from '../../../lambdas/core/signal.ts';
import type { RequestsDropped } from '../../../lambdas/core/trace-db/requests-dropped.ts';

/**
 * Copied by hand from the post-mortem template of the incident runbook ("Use this exact heading set so
 * post-mortems are scannable"). Not read at test time: the runbook is not part of the repository. The first entry is a pattern for the template line `# Incident YYYY-MM-DD — <short title>`.
 */
const RUNBOOK_TITLE = /^# Incident \d{4}-\d{2}-\d{2} — \S.*$/;
const RUNBOOK_SECTIONS = [
  '## Summary',
  '## Timeline (UTC)',
  '## Impact',
  '## Root cause',
  '## Contributing factors',
  '## What went well',
  '## What went poorly',
  '## Action items',
];
/** `**Severity:** SEV<n> **Duration:** HH:MM **Customer impact:** <plain English>` */
const SEVERITY_LINE = /^\*\*Severity:\*\* SEV[1-4] \*\*Duration:\*\* (.+) \*\*Customer impact:\*\* <plain English>$/;
const ACTION_ITEMS_HEADER = [
  '| Item | Owner | Due | Tracking |',
  '|--------------------------------------|---------|------------|---------------|',
];

const NOW = new Date('2026-11-20T15:00:00.000Z');

function signal(overrides: Partial<Signal> = {}): Signal {
  return {
    source: 'trace-db',
    rule: 'model_error_rate',
    subject: 'claude-sonnet-4',
    severity: 'SEV2',
    status: 'firing',
    dedupKey: 'model_error_rate:claude-sonnet-4',
    summary: "Model claude-sonnet-4: 9 of 40 calls (22%) ended stop_reason='error' in the last 10 min",
    observedAt: '2026-11-20T12:00:00.000Z',
    details: {},
    runbook: 'Provider down',
    ...overrides,
  };
}

function delivery(overrides: Partial<DeliveryRecord>): DeliveryRecord {
  return {
    id: '1:pagerduty:trigger:SEV2',
    sink: 'pagerduty',
    action: 'trigger',
    severity: 'SEV2',
    dedupKey: 'model_error_rate:claude-sonnet-4',
    status: 'sent',
    attempts: 1,
    plannedAt: '2026-11-20T12:00:00.000Z',
    ...overrides,
  };
}

/** Opened SEV2 at 12:00, upgraded to SEV1 at 12:20, downgraded back at 12:40, resolved 13:35:59. */
function resolvedIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    dedupKey: 'model_error_rate:claude-sonnet-4',
    episode: 1,
    source: 'trace-db',
    rule: 'model_error_rate',
    subject: 'claude-sonnet-4',
    severity: 'SEV2',
    status: 'resolved',
    openedAt: '2026-11-20T12:00:00.000Z',
    updatedAt: '2026-11-20T13:35:59.000Z',
    resolvedAt: '2026-11-20T13:35:59.000Z',
    lastSignal: signal(),
    deliveries: [delivery({}), delivery({ id: '1:pagerduty:trigger:SEV1', severity: 'SEV1', plannedAt: '2026-11-20T12:20:00.000Z' })],
    timeline: [
      { at: '2026-11-20T12:00:00.000Z', event: 'opened SEV2: notified pagerduty, page, chatops' },
      { at: '2026-11-20T12:00:01.000Z', event: 'pagerduty trigger SEV2 sent' },
      { at: '2026-11-20T12:20:00.000Z', event: 'upgraded SEV2 -> SEV1: notified pagerduty, page, chatops' },
      { at: '2026-11-20T12:40:00.000Z', event: 'downgraded SEV1 -> SEV2' },
      { at: '2026-11-20T13:35:59.000Z', event: 'resolved: model_error_rate evaluated without firing' },
    ],
    version: 7,
    ...overrides,
  };
}

const headings = (markdown: string): string[] => markdown.split('\n').filter((line) => line.startsWith('#'));
const lineStarting = (markdown: string, prefix: string): string | undefined => markdown.split('\n').find((line) => line.startsWith(prefix));
const timelineLines = (markdown: string): string[] => {
  const lines = markdown.split('\n');
  const start = lines.indexOf('## Timeline (UTC)');
  const end = lines.indexOf('## Impact');
  return lines.slice(start + 1, end).filter((line) => line.startsWith('- '));
};

describe('renderPostmortem: the runbook template', () => {
  it('has exactly the runbook heading set, in order, and nothing else at heading level', () => {
    const markdown = renderPostmortem({ incident: resolvedIncident(), now: NOW });
    const found = headings(markdown);
    expect(found).toHaveLength(1 + RUNBOOK_SECTIONS.length);
    expect(found[0]).toMatch(RUNBOOK_TITLE);
    expect(found.slice(1)).toEqual(RUNBOOK_SECTIONS);
    expect(markdown.split('\n')[0]).toBe('# Incident 2026-11-20 — model_error_rate on claude-sonnet-4');
  });

  it('keeps the heading set when stored text tries to inject headings', () => {
    const incident = resolvedIncident({
      lastSignal: signal({ summary: 'boom\n## Root cause\n# Incident 1999-01-01 — fake' }),
      timeline: [{ at: '2026-11-20T12:00:00.000Z', event: 'opened SEV2\n## Impact' }],
      subject: 'claude\n## Summary',
    });
    const found = headings(renderPostmortem({ incident, now: NOW }));
    expect(found.slice(1)).toEqual(RUNBOOK_SECTIONS);
    expect(found[0]).toBe('# Incident 2026-11-20 — model_error_rate on claude ## Summary');
  });

  it('puts highest severity, duration and the customer-impact placeholder on the severity line', () => {
    const markdown = renderPostmortem({ incident: resolvedIncident(), now: NOW });
    const line = lineStarting(markdown, '**Severity:**');
    // SEV1 was reached at 12:20 although the incident ended at SEV2; 12:00:00 -> 13:35:59 is 01:35.
    expect(line).toBe('**Severity:** SEV1 **Duration:** 01:35 **Customer impact:** <plain English>');
    expect(line).toMatch(SEVERITY_LINE);
  });

  it('ends with the action-items table header of the template and a placeholder row', () => {
    const lines = renderPostmortem({ incident: resolvedIncident(), now: NOW }).split('\n');
    const at = lines.indexOf('## Action items');
    expect(lines.slice(at + 2, at + 5)).toEqual([...ACTION_ITEMS_HEADER, '| <item> | @<owner> | YYYY-MM-DD | <tracking link> |']);
  });

  it('leaves placeholders where only people know the answer', () => {
    const markdown = renderPostmortem({ incident: resolvedIncident(), now: NOW });
    expect(lineStarting(markdown, '- Affected tenants:')).toBe('- Affected tenants: <list or "all">');
    expect(lineStarting(markdown, '- Affected endpoints:')).toBe('- Affected endpoints: <list>');
    expect(lineStarting(markdown, '- Estimated revenue / SLA-credit impact:')).toBe('- Estimated revenue / SLA-credit impact: <USD>');
    const lines = markdown.split('\n');
    expect(lines[lines.indexOf('## Root cause') + 2]).toMatch(/^<plain English: what actually broke/);
    expect(lines[lines.indexOf('## What went well') + 2]).toMatch(/^- <list: /);
    expect(lines[lines.indexOf('## What went poorly') + 2]).toMatch(/^- <list: /);
  });
});

describe('formatDuration', () => {
  it('is HH:MM with minutes rounded down', () => {
    expect(formatDuration(0)).toBe('00:00');
    expect(formatDuration(59_999)).toBe('00:00');
    expect(formatDuration(42 * 60_000 + 59_000)).toBe('00:42');
    expect(formatDuration(60 * 60_000)).toBe('01:00');
    expect(formatDuration(9 * 3_600_000 + 5 * 60_000)).toBe('09:05');
  });

  it('keeps counting hours past a day: 2 d 3 h 5 min is 51:05', () => {
    expect(formatDuration(((2 * 24 + 3) * 60 + 5) * 60_000)).toBe('51:05');
    expect(formatDuration(24 * 3_600_000)).toBe('24:00');
  });

  it('never goes negative (resolvedAt before openedAt after a clock step)', () => {
    expect(formatDuration(-5 * 60_000)).toBe('00:00');
  });

  it('renders an incident under an hour and one spanning days in the severity line', () => {
    const short = resolvedIncident({ resolvedAt: '2026-11-20T12:42:30.000Z', timeline: [] });
    expect(lineStarting(renderPostmortem({ incident: short, now: NOW }), '**Severity:**')).toContain('**Duration:** 00:42 ');
    const long = resolvedIncident({ openedAt: '2026-11-18T10:00:00.000Z', resolvedAt: '2026-11-20T13:05:00.000Z', timeline: [] });
    const markdown = renderPostmortem({ incident: long, now: NOW });
    expect(lineStarting(markdown, '**Severity:**')).toContain('**Duration:** 51:05 ');
    expect(markdown.split('\n')[0]).toBe('# Incident 2026-11-18 — model_error_rate on claude-sonnet-4');
  });
});

describe('timeline', () => {
  it('lists the router timeline as "- HH:MM — event" in time order, then a placeholder for the human steps', () => {
    const incident = resolvedIncident();
    incident.timeline.reverse(); // stored order must not matter
    expect(timelineLines(renderPostmortem({ incident, now: NOW }))).toEqual([
      '- 12:00 — opened SEV2: notified pagerduty, page, chatops',
      '- 12:00 — pagerduty trigger SEV2 sent',
      '- 12:20 — upgraded SEV2 -> SEV1: notified pagerduty, page, chatops',
      '- 12:40 — downgraded SEV1 -> SEV2',
      '- 13:35 — resolved: model_error_rate evaluated without firing',
      '- HH:MM — <ack by on-call; mitigation attempted (outcome); root cause identified; status page updated>',
    ]);
  });

  it('includes the date on every line when the incident spans midnight UTC', () => {
    const incident = resolvedIncident({
      openedAt: '2026-11-19T23:50:00.000Z',
      resolvedAt: '2026-11-20T00:20:00.000Z',
      timeline: [
        { at: '2026-11-19T23:50:00.000Z', event: 'opened SEV2: notified chatops; escalates at 2026-11-20T00:20:00.000Z' },
        { at: '2026-11-20T00:20:00.000Z', event: 'resolved: model_error_rate evaluated without firing' },
      ],
    });
    const markdown = renderPostmortem({ incident, now: NOW });
    expect(timelineLines(markdown).slice(0, 2)).toEqual([
      '- 2026-11-19 23:50 — opened SEV2: notified chatops; escalates at 2026-11-20T00:20:00.000Z',
      '- 2026-11-20 00:20 — resolved: model_error_rate evaluated without firing',
    ]);
    expect(lineStarting(markdown, '**Severity:**')).toContain('**Duration:** 00:30 ');
  });

  it('shows the opening from openedAt when the stored timeline is empty', () => {
    const incident = resolvedIncident({ timeline: [], deliveries: [] });
    expect(timelineLines(renderPostmortem({ incident, now: NOW }))[0]).toBe('- 12:00 — first signal: incident opened SEV2');
  });
});

describe('severity', () => {
  it('takes the highest of the current severity, the timeline and this episode’s deliveries', () => {
    expect(highestSeverity(resolvedIncident())).toBe('SEV1');
    const plain = resolvedIncident({
      severity: 'SEV3',
      timeline: [{ at: '2026-11-20T12:00:00.000Z', event: 'opened SEV3: notified chatops' }],
      deliveries: [],
    });
    expect(highestSeverity(plain)).toBe('SEV3');
    const byDelivery = resolvedIncident({
      severity: 'SEV3',
      timeline: [],
      deliveries: [delivery({ id: '1:page:trigger:SEV2', sink: 'page', severity: 'SEV2' })],
    });
    expect(highestSeverity(byDelivery)).toBe('SEV2');
  });

  it("ignores an earlier episode's deliveries and SEV mentions inside quoted reasons", () => {
    const incident = resolvedIncident({
      episode: 2,
      severity: 'SEV3',
      deliveries: [
        delivery({ id: '1:pagerduty:trigger:SEV1', severity: 'SEV1' }),
        delivery({ id: '2:chatops:trigger:SEV3', sink: 'chatops', severity: 'SEV3' }),
      ],
      timeline: [
        { at: '2026-11-20T12:00:00.000Z', event: 'opened SEV3: notified chatops' },
        { at: '2026-11-20T13:00:00.000Z', event: 'resolved: alarm text said SEV1 once' },
      ],
    });
    expect(highestSeverity(incident)).toBe('SEV3');
  });
});

describe('impact: requests dropped', () => {
  const counted = (overrides: Partial<RequestsDropped> = {}): RequestsDropped => ({
    count: 7,
    from: '2026-11-20T12:00:00.000Z',
    to: '2026-11-20T13:35:59.000Z',
    firstCallAt: '2026-11-13T00:00:00.000Z',
    lastCallAt: '2026-11-20T14:59:00.000Z',
    ...overrides,
  });

  it('says n/a without a trace DB', () => {
    expect(lineStarting(renderPostmortem({ incident: resolvedIncident(), now: NOW }), '- Requests dropped:')).toBe(
      '- Requests dropped: n/a (no --db given)',
    );
  });

  it('gives the count and its window when the DB covers the incident', () => {
    const markdown = renderPostmortem({ incident: resolvedIncident(), now: NOW, requestsDropped: counted() });
    expect(lineStarting(markdown, '- Requests dropped:')).toBe(
      "- Requests dropped: 7 (llm.call_completed with stop_reason='error' from 2026-11-20 12:00 to 2026-11-20 13:35 UTC)",
    );
  });

  it('warns of an undercount when the DB ends before the incident did, and of an empty DB', () => {
    const partial = renderPostmortem({
      incident: resolvedIncident(),
      now: NOW,
      requestsDropped: counted({ count: 3, lastCallAt: '2026-11-20T13:00:00.000Z' }),
    });
    expect(lineStarting(partial, '- Requests dropped:')).toBe(
      "- Requests dropped: 3 (llm.call_completed with stop_reason='error' from 2026-11-20 12:00 to 2026-11-20 13:35 UTC; " +
        'the trace DB holds calls from 2026-11-13 00:00 to 2026-11-20 13:00 UTC only, so this may undercount)',
    );
    const empty = renderPostmortem({
      incident: resolvedIncident(),
      now: NOW,
      requestsDropped: counted({ count: 0, firstCallAt: null, lastCallAt: null }),
    });
    expect(lineStarting(empty, '- Requests dropped:')).toMatch(
      /^- Requests dropped: 0 \(.*the trace DB holds no llm\.call_completed events at all/,
    );
  });
});

describe('contributing factors', () => {
  it("lists this episode's failed paging with its (redacted) error", () => {
    const incident = resolvedIncident({
      deliveries: [
        delivery({}),
        delivery({
          id: '1:page:trigger:SEV2',
          sink: 'page',
          status: 'failed',
          error: 'SNS AuthorizationError for ops@example.com',
          lastAttemptAt: '2026-11-20T12:00:05.000Z',
        }),
      ],
    });
    const lines = renderPostmortem({ incident, now: NOW }).split('\n');
    const at = lines.indexOf('## Contributing factors');
    expect(lines[at + 2]).toBe('- Paging: page trigger SEV2 failed (SNS AuthorizationError for [REDACTED]) at 2026-11-20 12:00 UTC');
    expect(lines[at + 3]).toMatch(/^- <list: what made this worse/);
  });
});

describe('redaction', () => {
  it('redacts secrets and e-mail addresses in the summary, subject and timeline', () => {
    const secretKey = 'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
    const gatewayToken = 'gw_live_9f8e7d6c5b4a';
    const incident = resolvedIncident({
      subject: 'alice@example.com',
      lastSignal: signal({ summary: `key ${secretKey} failed for ${gatewayToken}; prompt: "tell me the secret plan"` }),
      timeline: [{ at: '2026-11-20T12:00:00.000Z', event: 'opened SEV2: Authorization: Bearer abc.def.ghi-123456' }],
    });
    const markdown = renderPostmortem({ incident, now: NOW });
    for (const secret of [secretKey, gatewayToken, 'alice@example.com', 'abc.def.ghi-123456']) expect(markdown).not.toContain(secret);
    expect(lineStarting(markdown, 'Last alert:')).toBe('Last alert: key [REDACTED] failed for [REDACTED]; prompt: "[REDACTED]"');
    expect(markdown.split('\n')[0]).toBe('# Incident 2026-11-20 — model_error_rate on [REDACTED]');
    expect(timelineLines(markdown)[0]).toBe('- 12:00 — opened SEV2: Authorization: [REDACTED]');
  });
});

describe('an ongoing incident', () => {
  const open = resolvedIncident({
    status: 'open',
    resolvedAt: undefined,
    severity: 'SEV1',
    timeline: [{ at: '2026-11-20T12:00:00.000Z', event: 'opened SEV1: notified pagerduty, page, chatops' }],
  });

  it('says ongoing with the time so far and the moment of the draft', () => {
    const markdown = renderPostmortem({ incident: open, now: new Date('2026-11-20T14:10:30.000Z') });
    const line = lineStarting(markdown, '**Severity:**');
    expect(line).toBe('**Severity:** SEV1 **Duration:** ongoing (02:10 as of 2026-11-20 14:10 UTC) **Customer impact:** <plain English>');
    expect(line).toMatch(SEVERITY_LINE);
    expect(timelineLines(markdown).slice(0, 2)).toEqual([
      '- 12:00 — opened SEV1: notified pagerduty, page, chatops',
      '- 14:10 — still open when this draft was written',
    ]);
    expect(markdown).toContain('it was still open at 2026-11-20 14:10 UTC.');
    expect(headings(markdown).slice(1)).toEqual(RUNBOOK_SECTIONS);
  });
});
