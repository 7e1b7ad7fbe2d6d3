// Every command's flags as data: the commands parse their arguments with these (node:util parseArgs reads
// `type` and `default` and ignores the rest), and `--help`, "did you mean" and `completion` are generated
// from the same objects, so a flag cannot exist in one and be missing from another. Pure data: loading it
// costs nothing, which keeps `--help` as fast as `node -e 0`.

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  /** A default parseArgs applies (shown in the help). */
  readonly default?: string | boolean;
  /** The default as the help shows it when the command computes it (e.g. "now"). */
  readonly defaultText?: string;
  /** Placeholder of the value in the help (FILE, ISO, N). */
  readonly value?: string;
  readonly required?: boolean;
  readonly help: string;
}

export interface CommandSpec {
  readonly summary: string;
  /** Positional arguments in the usage line (e.g. DEDUP_KEY). */
  readonly args?: string;
  readonly flags: Readonly<Record<string, FlagSpec>>;
  readonly examples: readonly string[];
  readonly notes?: readonly string[];
  /** A command with subcommands (`silence add`): their names; the group's own flags apply without one. */
  readonly subcommands?: readonly string[];
}

const json = { type: 'boolean', default: false, help: 'print JSON instead of text' } as const;
const config = {
  type: 'string',
  value: 'FILE',
  defaultText: './metis-alerts.config.json if present, else the built-in defaults',
  help: 'the config file (metis-alerts.config.json)',
} as const;
const now = (ends: string, help = 'the evaluation time, ISO-8601 with a zone') =>
  ({ type: 'string', value: 'ISO', defaultText: ends, help }) as const;
/** For commands that act now: the time they take as now (scripts, tests, replays). */
const actNow = now('the current time', 'the time taken as now, ISO-8601 with a zone');
// The deployed stack: --table / --bus win, then the outputs of --stack, then the variables, then the
// outputs of the stack the config names (cli/deployed-stack.ts).
const stack = {
  type: 'string',
  value: 'NAME',
  defaultText: '"name" in metis-alerts.config.json, else MetisAlerts',
  help: 'the deployed stack, whose outputs name the table and bus',
} as const;
const region = {
  type: 'string',
  value: 'REGION',
  defaultText: "$AWS_REGION or your AWS_PROFILE's",
  help: 'the AWS region of the stack',
} as const;
const table = {
  type: 'string',
  value: 'NAME',
  defaultText: "$METIS_ALERTS_TABLE, else the stack's IncidentTableName output",
  help: 'the incident table',
} as const;
const bus = {
  type: 'string',
  value: 'NAME',
  defaultText: "$METIS_ALERTS_BUS, else the stack's BusName output",
  help: 'the event bus',
} as const;
const timeoutSeconds = { type: 'string', value: 'N', default: '60', help: 'how long to wait for the router, in seconds' } as const;

export const SPECS = {
  check: {
    summary: 'every trace-DB rule on a local SQLite file (plain or .gz)',
    flags: {
      db: { type: 'string', value: 'FILE', required: true, help: 'the trace DB (SQLite, or gzipped SQLite)' },
      now: now('the current time'),
      config,
      meta: { type: 'string', value: 'FILE', help: "snapshot metadata as JSON (the shipper's latest.db.gz.meta.json)" },
      'analytics-url': { type: 'string', value: 'URL', help: "also compare the gateway's /analytics/by_key with the DB" },
      json,
    },
    examples: ['metis-alerts check --db traces.db.gz --now 2026-11-20T12:00:00Z', 'metis-alerts check --db traces.db --json > report.json'],
  },
  probe: {
    summary: 'probe one endpoint once (NODE_EXTRA_CA_CERTS to trust a private CA)',
    flags: {
      url: { type: 'string', value: 'URL', required: true, help: 'the http(s) endpoint to GET' },
      'timeout-ms': { type: 'string', value: 'N', defaultText: '5000', help: 'give up after N milliseconds (1 to 120000)' },
      shape: {
        type: 'string',
        value: 'SHAPE',
        help: 'send one one-token inbound-shape request instead: openai-chat or anthropic-messages (key: METIS_PROBE_AUTHORIZATION)',
      },
      model: { type: 'string', value: 'M', defaultText: "a cheap model of the shape's provider", help: 'the model of a --shape request' },
      json,
    },
    examples: [
      'metis-alerts probe --url https://gateway.example.com/healthz',
      'metis-alerts probe --url https://gateway.example.com --shape openai-chat',
    ],
    notes: ['a failing target is a finding: exit 0 whatever it answered'],
  },
  route: {
    summary: 'the router policy, dry-run, on signals or evaluation reports (a backtest)',
    flags: {
      signals: {
        type: 'string',
        value: 'FILE',
        required: true,
        help: 'signals, or JSON Lines of evaluation reports / check / scan-logs outputs, provider webhook lines ({"webhook", "at", "headers", "body"}, verified with $METIS_WEBHOOK_SECRET_<PROVIDER> when set) and ack lines ({"ack": KEY, "at", "by"}), applied in time order (plain or .gz)',
      },
      now: now('the last entry'),
      config,
      'sweep-minutes': {
        type: 'string',
        value: 'N',
        defaultText: '5',
        help: "the sweeper's ticks between entries; deadlines wake incidents to the minute (0 turns both off)",
      },
      wire: { type: 'string', value: 'FILE', help: 'write every outbound request as JSON Lines' },
      json,
    },
    examples: [
      'metis-alerts check --db traces.db --json > report.json && metis-alerts route --signals report.json',
      'metis-alerts route --signals reports.jsonl --wire wire.jsonl',
    ],
  },
  routes: {
    summary: 'who is notified for a severity at a time, the escalation, the ack deadline and the secondary',
    flags: {
      severity: { type: 'string', value: 'SEVn', required: true, help: 'SEV1, SEV2, SEV3 or SEV4' },
      at: { type: 'string', value: 'ISO', required: true, help: 'the time, ISO-8601 with a zone' },
      rule: { type: 'string', value: 'R', help: "a rule id, to apply the config's maintenance windows to it" },
      config,
      json,
    },
    examples: ['metis-alerts routes --severity SEV2 --at 2026-11-28T03:00:00Z'],
  },
  'test-page': {
    summary: 'a TEST incident triggered then resolved on every sink',
    flags: {
      severity: { type: 'string', value: 'SEVn', default: 'SEV1', help: 'the test incident severity' },
      'dry-run': { type: 'boolean', default: false, help: 'run the router in-process with dry-run sinks; nothing is sent' },
      wire: { type: 'string', value: 'FILE', help: 'with --dry-run: write every outbound request as JSON Lines' },
      config,
      now: actNow,
      stack,
      region,
      bus,
      table,
      'timeout-seconds': timeoutSeconds,
      json,
    },
    examples: ['metis-alerts test-page --dry-run --wire wire.jsonl', 'metis-alerts test-page --severity SEV3'],
  },
  silence: {
    summary: 'one-off silences in the deployed router',
    subcommands: ['add', 'list', 'expire'],
    flags: {},
    examples: [
      'metis-alerts silence add --rule model_error_rate --for 2h --reason "provider incident, tracked upstream"',
      'metis-alerts silence list',
    ],
  },
  'silence add': {
    summary: 'silence a rule (or one subject of it) in the deployed router',
    flags: {
      rule: { type: 'string', value: 'R', required: true, help: 'the rule id (e.g. model_error_rate)' },
      subject: { type: 'string', value: 'S', defaultText: 'every subject', help: 'only this subject of the rule' },
      for: { type: 'string', value: 'DURATION', help: 'how long: 90m, 2h, 1d, 1h30m (at most 30d); or --until' },
      until: { type: 'string', value: 'ISO', help: 'until when (at most 30 days ahead); or --for' },
      reason: { type: 'string', value: 'TEXT', required: true, help: 'why, so on-call knows what is muted' },
      'alarm-rule': {
        type: 'boolean',
        default: false,
        help: '--rule is the metis:rule tag of your own CloudWatch alarm, not a built-in rule id (not checked against them)',
      },
      now: actNow,
      stack,
      region,
      table,
      json,
    },
    examples: ['metis-alerts silence add --rule model_error_rate --subject gpt-4.1 --for 2h --reason "OpenAI incident"'],
  },
  'silence list': {
    summary: 'active and pending silences',
    flags: { all: { type: 'boolean', default: false, help: 'ended ones too' }, now: actNow, stack, region, table, json },
    examples: ['metis-alerts silence list --all'],
  },
  'silence expire': {
    summary: 'end a silence now',
    args: 'ID',
    flags: { now: actNow, stack, region, table, json },
    examples: ['metis-alerts silence expire sil_0123456789'],
  },
  incidents: {
    summary: 'incidents in the deployed incident table, oldest first',
    subcommands: ['resolve', 'ack'],
    flags: { open: { type: 'boolean', default: false, help: 'open incidents only' }, stack, region, table, json },
    examples: ['metis-alerts incidents --open'],
  },
  'incidents resolve': {
    summary: 'close an open incident by hand through the deployed router',
    args: 'DEDUP_KEY',
    flags: {
      reason: { type: 'string', value: 'TEXT', required: true, help: 'why, for the timeline and the post-mortem' },
      stack,
      region,
      bus,
      table,
      'timeout-seconds': timeoutSeconds,
      json,
    },
    examples: ['metis-alerts incidents resolve model_error_rate:gpt-4.1 --reason "fixed by the provider"'],
  },
  'incidents ack': {
    summary: 'acknowledge an open incident: recorded on it and in its timeline',
    args: 'DEDUP_KEY',
    flags: {
      note: { type: 'string', value: 'TEXT', help: 'a note for the timeline (e.g. "looking at the provider")' },
      by: { type: 'string', value: 'NAME', defaultText: 'your user name', help: 'who acknowledges' },
      stack,
      region,
      table,
      json,
    },
    examples: ['metis-alerts incidents ack healthz_down:gateway --note "on it"'],
  },
  postmortem: {
    summary: 'a Markdown post-mortem draft (runbook template) for one incident',
    args: 'DEDUP_KEY',
    flags: {
      db: { type: 'string', value: 'FILE', help: 'a trace DB copy, to count the requests dropped during the incident' },
      now: actNow,
      stack,
      region,
      table,
    },
    examples: ['metis-alerts postmortem model_error_rate:gpt-4.1 --db traces.db.gz > postmortem.md'],
  },
  'scan-logs': {
    summary: 'the log rules on a subscription event, a decoded DATA_MESSAGE or plain log lines (plain or .gz)',
    flags: {
      file: { type: 'string', value: 'FILE', required: true, help: 'the log file (text; .gz or gzip bytes are unzipped)' },
      now: now('the newest event'),
      config,
      json,
    },
    examples: ['kubectl logs deploy/agent-server --since=1h > agent.log && metis-alerts scan-logs --file agent.log'],
  },
  completion: {
    summary: 'print a shell completion script (bash or zsh)',
    args: 'bash|zsh',
    flags: {},
    examples: ['source <(metis-alerts completion bash)', 'echo "source <(metis-alerts completion zsh)" >> ~/.zshrc'],
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandPath = keyof typeof SPECS;

/** Top-level command names, in the order `--help` lists them. */
export const COMMAND_NAMES = [
  'check',
  'scan-logs',
  'probe',
  'route',
  'routes',
  'test-page',
  'silence',
  'incidents',
  'postmortem',
  'completion',
] as const satisfies readonly CommandPath[];

export const EXIT_CODES = [
  '0  the command ran (whatever fired)',
  '1  a bug: please report it',
  '2  bad input or configuration (one line on stderr)',
] as const;

export function specOf(path: string): CommandSpec | undefined {
  return Object.hasOwn(SPECS, path) ? (SPECS as Record<string, CommandSpec>)[path] : undefined;
}
