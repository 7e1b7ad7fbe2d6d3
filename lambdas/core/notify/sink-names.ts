// Every sink's name, with no imports: the incident model (incident.ts) types its deliveries by these names
// while each sink's spec, which imports the incident model, declares its own name here. Each spec adds its
// name to `SinkNames` beside its definition (a TypeScript interface merge, so nothing here lists sinks and
// the spec stays the one place a sink's name is written):
//   declare module '../sink-names.ts' { interface SinkNames { 'my-sink': true } }

/** One key per sink spec: its name, or for a list sink the pattern of its names (`webhook:*`). */
// biome-ignore lint/suspicious/noEmptyInterface: each sink spec adds its name by declaration merging.
export interface SinkNames {}

/** A spec's name as its spec writes it: `pagerduty`, or a pattern such as `webhook:*`. */
export type SinkName = keyof SinkNames & string;

/** The names a pattern stands for: `webhook:*` is every `webhook:<entry>`. */
export type SinkOf<Name extends string> = Name extends `${infer Prefix}*` ? `${Prefix}${string}` : Name;

/** Every name a delivery can go to (a Notifier is registered under one). */
export type Sink = SinkOf<SinkName>;
