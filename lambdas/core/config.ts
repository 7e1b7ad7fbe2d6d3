// The one configuration file (docs/architecture.md, Configuration): a zod schema that validates it at synth time and
// at CLI start, and from which the committed JSON Schema is generated. Secrets never live here: the
// PagerDuty routing key is named by its SSM parameter.
import { isTargetDuration } from './target-duration.ts';
import { z } from 'zod';
import { SEVERITIES, SIGNAL_SOURCES } from './signal.ts';
import { DEFAULT_LOG_FILTER_PATTERN } from './logs/filter-pattern.ts';
import { MetisError } from './errors.ts';
import { sinksSchema, stormSchema } from './notify/sink-catalog.ts';
import { httpsUrl, ssmParameterName } from './notify/spec.ts';
import { probesSchema } from './probe/vantages.ts';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time "HH:MM" (24 h)');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date "YYYY-MM-DD"');
const weekday = z.enum(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);
const ianaZone = z.string().refine(isIanaZone, { message: 'expected an IANA time zone such as "Europe/Berlin"' });
const ssmName = ssmParameterName;
const positive = z.number().positive();

/** "2026-02-30" matches the pattern but is no day: a retirement date must be one. */
function isCalendarDate(day: string): boolean {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().startsWith(day);
}

function isIanaZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const ruleBase = { enabled: z.boolean().default(true) };

export const rulesSchema = z
  .strictObject({
    model_error_rate: z
      .strictObject({
        ...ruleBase,
        threshold: z.number().gt(0).lt(1).default(0.05),
        minCalls: z.int().positive().default(20),
        /** This many errors in the window fire whatever the number of calls: a small sample never hides a total failure. */
        minErrors: z.int().positive().default(10),
        windowMinutes: z.int().positive().default(10),
      })
      .prefault({}),
    provider_unavailable: z.strictObject({ ...ruleBase, windowMinutes: z.int().positive().default(15) }).prefault({}),
    cost_projection: z.strictObject({ ...ruleBase, dailyBudgetUsd: positive.optional(), factor: positive.default(2) }).prefault({}),
    bill_threshold: z
      .strictObject({
        ...ruleBase,
        dailyHardCapUsd: positive.optional(),
        monthlyHardCapUsd: positive.optional(),
        /** A breach latches: a new day or month at $0 does not resolve it; a person does, or this many hours after it last fired. */
        holdHours: positive.default(24),
      })
      .prefault({}),
    key_spend_spike: z.strictObject({ ...ruleBase, factor: positive.default(10), minUsd: positive.default(1) }).prefault({}),
    quota_alert: z.strictObject({ ...ruleBase, lookbackMinutes: z.int().positive().default(15) }).prefault({}),
    latency_p95: z
      .strictObject({
        ...ruleBase,
        factor: positive.default(2),
        minCalls: z.int().positive().default(50),
        windowMinutes: z.int().positive().default(10),
      })
      .prefault({}),
    db_integrity: z.strictObject({ ...ruleBase }).prefault({}),
    snapshot_stale: z.strictObject({ ...ruleBase, maxAgeMinutes: z.int().positive().default(10) }).prefault({}),
    disk_usage: z.strictObject({ ...ruleBase, thresholdPct: z.number().gt(0).lte(100).default(80) }).prefault({}),
    healthz_down: z
      .strictObject({
        ...ruleBase,
        // Probe incidents resolve on sustained health, not on the first good round (rounds are 30 s apart).
        resolveAfterOkRounds: z.int().min(1).max(120).default(4),
        // A target failing at least flapShare of its rounds over flapWindowMinutes is flapping: one open incident.
        flapWindowMinutes: z.int().min(1).max(60).default(5),
        flapShare: z.number().gt(0).lte(1).default(0.5),
      })
      .prefault({}),
    tls_expiry: z.strictObject({ ...ruleBase, warnDays: z.int().positive().default(14) }).prefault({}),
    traceback: z.strictObject({ ...ruleBase, quietMinutes: z.int().positive().default(30) }).prefault({}),
    quota_exceeded_sustained: z
      .strictObject({ ...ruleBase, perMinute: z.int().nonnegative().default(1), minutes: z.int().positive().default(5) })
      .prefault({}),
    key_revoked_in_use: z
      .strictObject({ ...ruleBase, count: z.int().nonnegative().default(10), windowMinutes: z.int().positive().default(5) })
      .prefault({}),
    // Trust at the edges: errors spread over many models, the gateway going quiet, transfer damage, bad timestamps.
    error_rate_overall: z
      .strictObject({
        ...ruleBase,
        threshold: z.number().gt(0).lt(1).default(0.05),
        minCalls: z.int().positive().default(50),
        /** As model_error_rate's: this many errors fire even below minCalls. */
        minErrors: z.int().positive().default(10),
        windowMinutes: z.int().positive().default(10),
      })
      .prefault({}),
    traffic_stopped: z
      .strictObject({ ...ruleBase, minutes: z.int().positive().default(10), minCalls: z.int().positive().default(20) })
      .prefault({}),
    snapshot_unreadable: z.strictObject({ ...ruleBase }).prefault({}),
    trace_db_bad_timestamps: z.strictObject({ ...ruleBase }).prefault({}),
    // Key compromise, prompt exposure, backups, SEV4 noise.
    /** Uses key_spend_spike's factor and minUsd: the same spike, plus new models or no daily cap. */
    key_compromise_suspected: z.strictObject({ ...ruleBase }).prefault({}),
    backup_stale: z.strictObject({ ...ruleBase, maxAgeHours: positive.default(26) }).prefault({}),
    /** Successful calls after the key's spend reached its daily cap (calls in flight at the crossing may each complete). */
    key_over_cap: z.strictObject({ ...ruleBase, minCallsAfterCap: z.int().positive().default(3) }).prefault({}),
    prompt_exposure: z.strictObject({ ...ruleBase, quietMinutes: z.int().positive().default(60) }).prefault({}),
    /** The trace DB's SQLite errors in the gateway's logs; SEV1 at `repeatCount` within `repeatMinutes` (a restart loop). */
    trace_db_log_error: z
      .strictObject({ ...ruleBase, repeatCount: z.int().positive().default(3), repeatMinutes: z.int().positive().default(10) })
      .prefault({}),
    log_noise: z.strictObject({ ...ruleBase }).prefault({}),
    // One inbound shape down (probe, every `scheduleMinutes`) and per-key analytics rollup drift (trace check).
    inbound_shape_down: z.strictObject({ ...ruleBase, scheduleMinutes: z.int().min(1).max(60).default(5) }).prefault({}),
    // Every inbound shape failing two runs in a row (whatever /healthz says), or traffic_stopped while a shape fails: SEV1.
    gateway_down: z.strictObject({ ...ruleBase }).prefault({}),
    analytics_drift: z
      .strictObject({ ...ruleBase, threshold: z.number().gt(0).lt(10).default(0.1), minCalls: z.int().positive().default(20) })
      .prefault({}),
    // Beyond the runbook: what LLM-gateway operators expect (budget projection per key, fallback surges,
    // hanging requests, retiring models, keys issued without a daily cap).
    key_cap_projection: z.strictObject({ ...ruleBase }).prefault({}),
    fallback_surge: z
      .strictObject({
        ...ruleBase,
        share: z.number().gt(0).lt(1).default(0.2),
        minDecisions: z.int().positive().default(50),
        windowMinutes: z.int().positive().default(15),
      })
      .prefault({}),
    requests_hanging: z
      .strictObject({
        ...ruleBase,
        hangingMs: z.int().positive().default(300_000),
        minCalls: z.int().positive().default(3),
        windowMinutes: z.int().positive().default(10),
      })
      .prefault({}),
    model_deprecation: z
      .strictObject({
        ...ruleBase,
        /** Matched against `$.model` and `provider:model` of llm.call_completed. */
        models: z
          .array(
            z.strictObject({
              model: z.string().min(1),
              /** The provider's retirement date (UTC). */
              retiresOn: isoDate.refine(isCalendarDate, { message: 'expected a real calendar date "YYYY-MM-DD"' }),
              successor: z.string().min(1).optional(),
            }),
          )
          .default([]),
        /** SEV3 (an incident) from this many days before retiresOn on; SEV4 (the daily digest) before. */
        warnDays: z.int().nonnegative().default(7),
      })
      .prefault({}),
    key_without_cap: z.strictObject({ ...ruleBase }).prefault({}),
  })
  .prefault({});

export const healthTargetSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, 'expected a short name of letters, digits, "-" or "_"'),
  url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
  expectStatus: z.array(z.int().min(100).max(599)).nonempty().optional(),
  bodyContains: z.string().optional(),
  timeoutMs: z.int().min(100).max(20_000).default(5000),
  /** Header name -> SSM parameter holding its value (for an authenticated health endpoint). */
  headersFromSsm: z.record(z.string(), ssmName).optional(),
});

/** One inbound API shape the gateway serves, probed with a one-token request. */
export const inboundShapeSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, 'expected a short name of letters, digits, "-" or "_"'),
  /** The endpoint itself, e.g. https://gw.example.com/v1/chat/completions. */
  url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
  shape: z.enum(['openai-chat', 'anthropic-messages']),
  /** The model the one-token request names (a cheap one). */
  model: z.string().min(1).max(200),
  /** At most 30 s: the run shares the probe Lambda and its timeout. */
  timeoutMs: z.int().min(100).max(30_000).default(15_000),
  /** The healthTargets entry whose /healthz gates this shape's alert; default: the target on the same origin, else the first. */
  healthTarget: z.string().optional(),
  /** Header name -> SSM parameter with the probe key (e.g. `authorization` = "Bearer gw_..."). Never logged. */
  headersFromSsm: z.record(z.string(), ssmName).optional(),
});

/** The gateway's `/analytics/by_key`, compared per key with the trace DB (`analytics_drift`). */
export const analyticsSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
  headersFromSsm: z.record(z.string(), ssmName).optional(),
  keyField: z.string().min(1).default('key_id'),
  callsField: z.string().min(1).default('calls'),
  costField: z.string().min(1).default('cost_usd'),
  /** The compared window: `windowMinutes` ending `settleMinutes` before the snapshot was taken (the shipper's bounded snapshot keeps about a day). */
  windowMinutes: z.int().min(5).max(1440).default(60),
  /** So both sides have written and rolled the window up. */
  settleMinutes: z.int().min(0).max(120).default(5),
  /** Query parameters that carry the window's start and end (ISO-8601 UTC) to the endpoint. */
  fromParam: z.string().min(1).default('from'),
  toParam: z.string().min(1).default('to'),
  timeoutMs: z.int().min(100).max(30_000).default(10_000),
});

export const businessHoursSchema = z
  .strictObject({
    timezone: ianaZone.default('UTC'),
    days: z.array(weekday).default(['Mon', 'Tue', 'Wed', 'Thu', 'Fri']),
    start: hhmm.default('09:00'),
    end: hhmm.default('17:00'),
    holidays: z.array(isoDate).default([]),
  })
  .refine((b) => b.start < b.end, { message: 'business hours "start" must be before "end"', path: ['end'] })
  .prefault({});

/** One routing-policy row: `paging` switches every paging provider together (PagerDuty, Opsgenie, Splunk On-Call). */
const sinkRule = z.strictObject({
  paging: z.boolean(),
  page: z.boolean(),
  chatops: z.boolean(),
});
/** What each severity reaches in and out of business hours. SEV2 out of hours escalates, see `escalateAfterMinutes`. */
const severityPolicy = z.strictObject({ businessHours: sinkRule, outOfHours: sinkRule, escalateOutOfHours: z.boolean().default(false) });

export const DEFAULT_POLICY = {
  SEV1: {
    businessHours: { paging: true, page: true, chatops: true },
    outOfHours: { paging: true, page: true, chatops: true },
    escalateOutOfHours: false,
  },
  SEV2: {
    businessHours: { paging: true, page: true, chatops: true },
    outOfHours: { paging: false, page: false, chatops: true },
    escalateOutOfHours: true,
  },
  SEV3: {
    businessHours: { paging: false, page: false, chatops: true },
    outOfHours: { paging: false, page: false, chatops: true },
    escalateOutOfHours: false,
  },
  SEV4: {
    businessHours: { paging: false, page: false, chatops: true },
    outOfHours: { paging: false, page: false, chatops: true },
    escalateOutOfHours: false,
  },
} as const;

/** Alertmanager-style label matchers over a signal: every listed label must take one of the listed values. */
const matcherSchema = z.strictObject({
  source: z.array(z.enum(SIGNAL_SOURCES)).nonempty().optional(),
  rule: z.array(z.string().min(1)).nonempty().optional(),
  subject: z.array(z.string().min(1)).nonempty().optional(),
  severity: z.array(z.enum(SEVERITIES)).nonempty().optional(),
});

export const inhibitionSchema = z.strictObject({
  name: z.string().min(1).max(64),
  /** While an open incident matches this... */
  source: matcherSchema,
  /** ...signals matching this are recorded and posted to chatops as suppressed, not paged. */
  target: matcherSchema,
  /**
   * Labels that must be equal on both sides (e.g. ["subject"]). `target` is the health target whose traffic a
   * signal is about (a probe's target; `snapshot.target` for the trace DB; a log group's `target`).
   */
  equal: z.array(z.enum(['source', 'rule', 'subject', 'target'])).default([]),
  /** Inhibit only signals less severe than the open incident: a SEV1 (a corrupt DB during an outage) still pages. */
  lowerSeverityOnly: z.boolean().default(true),
});

/**
 * Default: while a health target is down hard (SEV1), less severe trace-DB and log signals from that target's
 * traffic are its symptoms, not new pages; another target's outage (the agent server's /health) holds back
 * none of them. A SEV1 of its own (db_integrity, bill_threshold, prompt_exposure) still pages. During a total
 * outage (gateway_down) the per-shape inbound_shape_down SEV2s of the same target are its symptoms too.
 */
export const DEFAULT_INHIBITIONS = [
  {
    name: 'gateway-down',
    source: { rule: ['healthz_down'], severity: ['SEV1'] },
    target: { source: ['trace-db', 'logs'] },
    equal: ['target'],
    lowerSeverityOnly: true,
  },
  {
    // The total outage explains each inbound shape failing behind the same health target: one SEV1, not N SEV2s beside it.
    name: 'gateway-down-shapes',
    source: { rule: ['gateway_down'], severity: ['SEV1'] },
    target: { rule: ['inbound_shape_down'] },
    equal: ['target'],
    lowerSeverityOnly: true,
  },
] as const;

export const maintenanceWindowSchema = z
  .strictObject({
    name: z.string().min(1).max(64),
    /** Rules it silences; absent: all rules. */
    rules: z.array(z.string().min(1)).nonempty().optional(),
    subjects: z.array(z.string().min(1)).nonempty().optional(),
    timezone: ianaZone.default('UTC'),
    days: z.array(weekday).nonempty(),
    start: hhmm,
    end: hhmm,
  })
  .refine((w) => w.start < w.end, { message: 'maintenance window "start" must be before "end"', path: ['end'] });

/** A target clock: "15m", "1h", "1 business day", "1 week" or "none" (see target-duration.ts). */
const targetDuration = z.string().refine(isTargetDuration, {
  message: 'expected a duration such as "15m", "4h", "1 week", "1 business day" or "none"',
});

/** The runbook's severity table: ack, mitigation and resolution targets per severity. */
export const DEFAULT_TARGETS = {
  SEV1: { ack: '15m', mitigate: '1h', resolve: '4h' },
  SEV2: { ack: '1h', mitigate: '4h', resolve: '1 business day' },
  SEV3: { ack: '1 business day', mitigate: '3 business days', resolve: '1 week' },
  SEV4: { ack: 'none', mitigate: 'none', resolve: 'none' },
} as const;

function targetSet(defaults: { ack: string; mitigate: string; resolve: string }) {
  return z
    .strictObject({
      ack: targetDuration.default(defaults.ack),
      mitigate: targetDuration.default(defaults.mitigate),
      resolve: targetDuration.default(defaults.resolve),
    })
    .prefault({});
}

/** Sink names a missed ack target may page (`routing.secondary`). */
const secondarySink = z
  .string()
  .regex(
    /^(pagerduty|opsgenie|splunk-oncall|page|page-secondary|webhook:[a-z0-9][a-z0-9-]{0,31})$/,
    'expected a sink name: "page-secondary", "page", "pagerduty", "opsgenie", "splunk-oncall" or "webhook:<name>"',
  );

export const routingSchema = z
  .strictObject({
    policy: z
      .strictObject({ SEV1: severityPolicy, SEV2: severityPolicy, SEV3: severityPolicy, SEV4: severityPolicy })
      .default(() => structuredClone(DEFAULT_POLICY) as never),
    escalateAfterMinutes: z.int().positive().default(30),
    reminderMinutes: z.int().positive().default(30),
    /** Ack, mitigation and resolution targets per severity (the runbook's table); a missed one posts once. */
    targets: z
      .strictObject({
        SEV1: targetSet(DEFAULT_TARGETS.SEV1),
        SEV2: targetSet(DEFAULT_TARGETS.SEV2),
        SEV3: targetSet(DEFAULT_TARGETS.SEV3),
        SEV4: targetSet(DEFAULT_TARGETS.SEV4),
      })
      .prefault({}),
    /**
     * Sinks paged when an ack target is missed. Default: ["page-secondary"] when `sinks.pageSecondary` is
     * configured, else none (only the chatops post). A provider with its own escalation policy (PagerDuty,
     * Opsgenie) is paged again only when listed here.
     */
    secondary: z.array(secondarySink).optional(),
    /**
     * A human resolve while the detector still fires: this many minutes after it, to the minute, it reopens as a
     * new episode unless the detector reported it healthy meanwhile (docs/human-loop.md).
     */
    reopenAfterMinutes: z.int().positive().default(30),
    /** Resolved incidents are kept this long (DynamoDB TTL) for post-mortems. */
    retainResolvedDays: z.int().positive().default(30),
    inhibitions: z.array(inhibitionSchema).default(() => structuredClone(DEFAULT_INHIBITIONS) as never),
    maintenanceWindows: z.array(maintenanceWindowSchema).default([]),
    /** Storm control: requests per minute per sink (each sink spec names its key and default); beyond it incidents are held and one grouped notice is sent. */
    storm: stormSchema,
  })
  .prefault({});

export const snapshotSchema = z.strictObject({
  /** Object key prefix in the stack's snapshot bucket; the shipper writes `<prefix>/latest.db.gz`. */
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9_.\-/]*[A-Za-z0-9_.-]$/, 'expected an S3 key prefix without a trailing "/"')
    .default('metis'),
  scheduleMinutes: z.int().min(1).max(5).default(1),
  /**
   * The largest uncompressed snapshot the trace-check Lambda should open, in MB: its memory is sized
   * from it (about 2x the database above the runtime). A bounded snapshot (the shipper's default) holds
   * a day of events; raise this when shipping whole databases (WINDOW_HOURS=all).
   */
  expectedDbMb: z.int().min(1).max(1400).default(150),
  /** The healthTargets entry whose traffic this trace DB records (inhibition scope); default: the target named like the gateway, else the first. */
  target: z.string().optional(),
});

export const logGroupSchema = z.strictObject({
  name: z.string().regex(/^[.\-_/#A-Za-z0-9]{1,512}$/, 'expected a CloudWatch Logs log group name'),
  filterPattern: z.string().min(1).default(DEFAULT_LOG_FILTER_PATTERN),
  /** The healthTargets entry whose container writes this group (inhibition scope); default: the target named like the gateway, else the first. */
  target: z.string().optional(),
});

/**
 * The ack intake (docs/human-loop.md): one function URL whose paths take acknowledgements back from the
 * paging providers and from the page's ack links. Each door exists only when its secret is configured;
 * the secrets live in SSM (several, one per line, while rotating).
 */
const secretHeader = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,64}$/, 'expected an HTTP header name')
  .default('X-Metis-Webhook-Secret');
const intakeKmsKeyArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:kms:/, 'expected a KMS key ARN')
  .optional();
/** PagerDuty's REST API root (an account in PagerDuty's EU service region uses https://api.eu.pagerduty.com). */
export const PAGERDUTY_REST_API_URL = 'https://api.pagerduty.com';
export const pagerDutyDoorSchema = z.strictObject({
  /** The PagerDuty webhooks v3 subscription's signing secret (`/pagerduty`). */
  secretParameter: ssmName,
  /**
   * A PagerDuty REST API key (read-only suffices): an incident PagerDuty grouped from several alerts has no
   * incident_key, and the intake looks up its alerts' keys with it. Without it such an event is logged, not mapped.
   */
  restApiKeyParameter: ssmName.optional(),
  /** Default https://api.pagerduty.com. */
  restApiUrl: httpsUrl.optional(),
  /** The customer KMS key of these parameters, if not the AWS-managed aws/ssm. */
  kmsKeyArn: intakeKmsKeyArn,
});
export const ackIntakeSchema = z.strictObject({
  pagerduty: pagerDutyDoorSchema.optional(),
  /** The shared secret Opsgenie / JSM's outgoing webhook sends in `header` or as basic-auth password (`/opsgenie`). */
  opsgenie: z.strictObject({ secretParameter: ssmName, header: secretHeader, kmsKeyArn: intakeKmsKeyArn }).optional(),
  /** The shared secret Splunk On-Call's outbound webhook sends in `header` or as basic-auth password (`/splunk-oncall`). */
  splunkOnCall: z.strictObject({ secretParameter: ssmName, header: secretHeader, kmsKeyArn: intakeKmsKeyArn }).optional(),
  /** The key that signs the page's ack links (`/ack/<token>`); without it pages carry no link. */
  ackLinks: z
    .strictObject({ secretParameter: ssmName, lifetimeMinutes: z.int().min(5).max(1440).default(30), kmsKeyArn: intakeKmsKeyArn })
    .optional(),
  /** Caps what a flood of requests can cost or do to the incident table. */
  reservedConcurrency: z.int().min(1).max(100).default(5),
});

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  /** Prefix of resource names and of the stack name. */
  name: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,30}$/, 'expected a short name of letters, digits and "-"')
    .default('MetisAlerts'),
  runbookBaseUrl: z
    .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
    .default('https://runbooks.example.com/metis/incident-runbook'),
  healthTargets: z.array(healthTargetSchema).default([]),
  /** Where the health targets are probed from (docs/vantages.md): `vantages` (AWS regions) and `quorum`. */
  probes: probesSchema,
  snapshot: snapshotSchema.optional(),
  logGroups: z.array(logGroupSchema).default([]),
  inboundShapes: z.array(inboundShapeSchema).default([]),
  analytics: analyticsSchema.optional(),
  /**
   * The CloudWatch dashboard `<name>-oncall`: the on-call panels, alarm states, dead-letter depth and
   * detector heartbeats on one page, for USD 3 a month at list price (most of the stack's bill). Its Logs
   * Insights panels are saved queries either way, which cost nothing until someone runs them.
   */
  dashboard: z.boolean().default(false),
  rules: rulesSchema,
  businessHours: businessHoursSchema,
  routing: routingSchema,
  sinks: sinksSchema,
  ackIntake: ackIntakeSchema.optional(),
});

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;
export type BusinessHours = Config['businessHours'];
export type SinkSelection = z.output<typeof sinkRule>;
export type Inhibition = z.output<typeof inhibitionSchema>;
export type SignalMatcher = z.output<typeof matcherSchema>;
export type MaintenanceWindow = z.output<typeof maintenanceWindowSchema>;
export type AckIntakeConfig = z.output<typeof ackIntakeSchema>;

/** Bad configuration: one line naming the key path and what was expected. */
export class ConfigError extends MetisError {
  override readonly name = 'ConfigError';
}

/** Validate already-parsed JSON. Throws ConfigError naming the first offending key path. */
export function parseConfig(raw: unknown, origin = 'config', warn: (message: string) => void = () => {}): Config {
  const renamed = withRenamedPolicyColumns(raw, origin);
  for (const message of renamed.warnings) warn(message);
  const result = configSchema.safeParse(renamed.raw);
  if (result.success) {
    const names = result.data.healthTargets.map((t) => t.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new ConfigError(`${origin}: healthTargets: duplicate target name "${dup}"`);
    const shapeProblem =
      inboundShapesProblem(result.data) ??
      trafficTargetProblem(result.data) ??
      secondaryProblem(result.data) ??
      vantagesProblem(result.data);
    if (shapeProblem) throw new ConfigError(`${origin}: ${shapeProblem}`);
    return result.data;
  }
  const issue = result.error.issues[0]!;
  const path = issue.path.length ? issue.path.map(String).join('.') : '(root)';
  let message = issue.message;
  if (issue.code === 'unrecognized_keys')
    message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  throw new ConfigError(`${origin}: ${path}: ${message}`);
}

/**
 * The routing policy's paging column was called `pagerduty` (it always meant every paging provider): the
 * old name is read as `paging`, with one warning per place naming the new key; both at once is an error.
 */
function withRenamedPolicyColumns(raw: unknown, origin: string): { raw: unknown; warnings: string[] } {
  const policy = (raw as { routing?: { policy?: unknown } } | undefined)?.routing?.policy;
  if (!isRecord(policy)) return { raw, warnings: [] };
  const warnings: string[] = [];
  const renamed: Record<string, unknown> = {};
  for (const [severity, row] of Object.entries(policy)) {
    renamed[severity] = row;
    if (!isRecord(row)) continue;
    const next: Record<string, unknown> = { ...row };
    for (const [when, rule] of Object.entries(row)) {
      if (!isRecord(rule) || !('pagerduty' in rule)) continue;
      const path = `routing.policy.${severity}.${when}`;
      if ('paging' in rule) throw new ConfigError(`${origin}: ${path}: give "paging" only ("pagerduty" is its old name)`);
      const { pagerduty, ...rest } = rule;
      next[when] = { paging: pagerduty, ...rest };
      warnings.push(`${origin}: ${path}.pagerduty is deprecated: use "paging" (it switches every paging provider)`);
    }
    renamed[severity] = next;
  }
  const config = raw as { routing: Record<string, unknown> };
  return { raw: { ...config, routing: { ...config.routing, policy: renamed } }, warnings };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** inboundShapes run in the probe Lambda, which exists only with healthTargets; names unique; healthTarget must exist. */
function inboundShapesProblem(config: z.output<typeof configSchema>): string | undefined {
  const shapes = config.inboundShapes;
  if (shapes.length === 0) return undefined;
  if (config.healthTargets.length === 0)
    return 'inboundShapes: needs at least one healthTargets entry (its /healthz gates the shape alerts, and the probe Lambda runs them)';
  const names = shapes.map((s) => s.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) return `inboundShapes: duplicate shape name "${dup}"`;
  const targets = new Set(config.healthTargets.map((t) => t.name));
  const index = shapes.findIndex((s) => s.healthTarget !== undefined && !targets.has(s.healthTarget));
  if (index >= 0) return `inboundShapes.${index}.healthTarget: no healthTargets entry named "${shapes[index]!.healthTarget}"`;
  return undefined;
}

/** `snapshot.target` and `logGroups[].target` must name a healthTargets entry. */
function trafficTargetProblem(config: z.output<typeof configSchema>): string | undefined {
  const targets = new Set(config.healthTargets.map((t) => t.name));
  if (config.snapshot?.target !== undefined && !targets.has(config.snapshot.target))
    return `snapshot.target: no healthTargets entry named "${config.snapshot.target}"`;
  const index = config.logGroups.findIndex((g) => g.target !== undefined && !targets.has(g.target));
  if (index >= 0) return `logGroups.${index}.target: no healthTargets entry named "${config.logGroups[index]!.target}"`;
  return undefined;
}

/** Each `routing.secondary` sink must be configured: a page to a sink that does not exist would be lost. */
function secondaryProblem(config: z.output<typeof configSchema>): string | undefined {
  const sinks = config.sinks as typeof config.sinks & Record<string, unknown>;
  const configured = (name: string): boolean => {
    if (name === 'page') return true;
    if (name === 'page-secondary') return sinks.pageSecondary !== undefined;
    if (name === 'splunk-oncall') return sinks.splunkOnCall !== undefined;
    if (name.startsWith('webhook:')) return sinks.webhooks.some((hook) => `webhook:${hook.name}` === name);
    return sinks[name] !== undefined;
  };
  const index = (config.routing.secondary ?? []).findIndex((name) => !configured(name));
  if (index < 0) return undefined;
  return `routing.secondary.${index}: sink "${config.routing.secondary![index]}" is not configured under "sinks"`;
}

/** The sinks a missed ack target pages: `routing.secondary`, else the secondary's topic when configured. */
export function secondarySinksOf(config: Pick<Config, 'routing' | 'sinks'>): string[] {
  if (config.routing.secondary) return config.routing.secondary;
  return (config.sinks as Record<string, unknown>).pageSecondary !== undefined ? ['page-secondary'] : [];
}

/** Vantages probe the health targets: without any there is nothing for their stacks to do. */
function vantagesProblem(config: z.output<typeof configSchema>): string | undefined {
  if (config.probes.vantages.length > 0 && config.healthTargets.length === 0)
    return 'probes.vantages: needs at least one healthTargets entry (the vantages probe the health targets)';
  return undefined;
}

/** The defaults, as when the file is `{}`. */
export function defaultConfig(): Config {
  return parseConfig({});
}

export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
