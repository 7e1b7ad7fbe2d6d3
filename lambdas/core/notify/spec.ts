// A sink spec: everything the pipeline knows about one kind of sink, kept in the sink's own folder. The
// registry lists the specs; the config schema's `sinks` and `routing.storm`, the notifiers, storm budgets,
// display labels, the IAM grants and the CLI's dry run are all derived from them, so adding a sink is its
// folder plus one registry line (docs/architecture.md, "Adding a sink").
import { z } from 'zod';
import type { AckLinks } from '../human/ports.ts';
import type { HttpSender } from './http-call.ts';
import type { Notifier } from './notifier.ts';
import type { NotificationPublisher, TopicName } from './ports.ts';
import type { Sink, SinkName, SinkOf } from './sink-names.ts';

/**
 * Which switch of a severity's routing-policy row a sink follows: `paging` (every paging provider
 * together), `page` (the page topic), `chatops` (chatops and everything that gets all of it), or `none`:
 * never in the ordinary fan-out (only named explicitly, e.g. the secondary paged when an ack target is missed).
 */
export type PolicyColumn = 'paging' | 'page' | 'chatops' | 'none';

/** An SSM SecureString that holds a sink's secret: the stack grants read on exactly it (and decrypt on its key). */
export interface SinkSecret {
  parameter: string;
  /** Customer KMS key that encrypts it; absent: the AWS-managed aws/ssm key, which needs no grant. */
  kmsKeyArn?: string;
  /** A token the request carries, or the whole URL (it holds the keys); the dry run puts a placeholder of that kind. */
  kind: 'token' | 'url';
}

/** What notifiers are built on: an HTTP sender per secret, the SNS publisher for the topics. */
export interface SinkTransports {
  http(sink: Sink, secret: SinkSecret): HttpSender;
  publisher: NotificationPublisher;
  /** Signs the page's ack links when the ack intake is deployed. */
  ackLinks?: AckLinks;
}

/** One configured sink: its name in deliveries, its secret if it has one, and its notifier. */
export interface SinkInstance<S extends Sink = Sink> {
  sink: S;
  secret?: SinkSecret;
  notifier(transports: SinkTransports): Notifier;
}

export interface SinkSpec<
  Key extends string = string,
  Schema extends z.ZodType = z.ZodType,
  StormKey extends string = string,
  Name extends SinkName = SinkName,
> {
  /**
   * The sink's name in deliveries, or for a sink configured as a list the pattern of its names (`webhook:*`).
   * The spec's file adds it to `SinkNames` (sink-names.ts): a name not added there does not type-check.
   */
  name: Name;
  /** Where its block sits in the config's `sinks`. */
  configKey: Key;
  /** Its config block; an absent block means not configured unless the schema gives a default. */
  config: Schema;
  /** Name in messages, e.g. "PagerDuty" (a list sink's messages name the sink itself, e.g. "webhook:keep"). */
  label: string;
  /** What its secret is, for the operator ("routing key"); absent: the sink has no secret (an SNS topic). */
  secretLabel?: string;
  /** The SNS topic it publishes to; absent: an HTTP sink. */
  topic?: TopicName;
  policyColumn: PolicyColumn;
  /** Storm control: its key in `routing.storm` and the requests a minute it allows by default. */
  storm: { key: StormKey; perMinute: number };
  /**
   * The sinks one config block makes: none, one, or one per list entry. It gets the block as configured
   * (validated by `config` when the config file was read), or undefined when the block is absent.
   */
  instances(config: z.output<Schema> | undefined): SinkInstance<SinkOf<Name>>[];
  /**
   * The part of the block the router and sweeper need (SSM names and public URLs, never an address or a
   * secret), or undefined when not configured.
   */
  deployed(config: z.output<Schema> | undefined): unknown;
  /**
   * The dry run (CLI `route`, `routes`, `test-page`, the demo) delivers every configured sink through
   * transports that send nothing; `standIn` is the block assumed when no sink of its policy column is
   * configured, so the policy's paging decisions stay visible before any integration exists.
   */
  dryRun: { standIn?: z.output<Schema> };
}

/** Keeps the literal types of a spec (its name, config key, schema and storm key) for the derived config schema. */
export function defineSink<Key extends string, Schema extends z.ZodType, StormKey extends string, Name extends SinkName>(
  spec: SinkSpec<Key, Schema, StormKey, Name>,
): SinkSpec<Key, Schema, StormKey, Name> {
  return spec;
}

/** The sink of a spec that makes one (an HTTP sink with one block, a topic): its name, never a pattern. */
function soleSink<Name extends SinkName>(name: Name): SinkOf<Name> {
  return name as string as SinkOf<Name>;
}

/** What an HTTP sink with one config block declares beyond the common fields. */
export interface HttpSinkParts<Key extends string, Schema extends z.ZodType, StormKey extends string, Name extends SinkName>
  extends Omit<SinkSpec<Key, Schema, StormKey, Name>, 'instances' | 'deployed' | 'dryRun' | 'policyColumn' | 'topic'> {
  /** @default 'paging' */
  policyColumn?: PolicyColumn;
  dryRun?: SinkSpec<Key, Schema, StormKey, Name>['dryRun'];
  /** Its secret, from its config block. */
  secret(config: NonNullable<z.output<Schema>>): SinkSecret;
  /** Its notifier over the HTTP sender of that secret. */
  notifier(config: NonNullable<z.output<Schema>>, sender: HttpSender): Notifier;
}

/** An HTTP sink configured by one optional block (PagerDuty, Opsgenie, ...): one sink when the block is there. */
export function defineHttpSink<Key extends string, Schema extends z.ZodType, StormKey extends string, Name extends SinkName>(
  parts: HttpSinkParts<Key, Schema, StormKey, Name>,
): SinkSpec<Key, Schema, StormKey, Name> {
  const { secret, notifier, policyColumn = 'paging', dryRun = {}, ...common } = parts;
  const sink = soleSink(parts.name);
  return {
    ...common,
    policyColumn,
    dryRun,
    instances: (config) => {
      if (!config) return [];
      const own = secret(config);
      return [{ sink, secret: own, notifier: (transports) => notifier(config, transports.http(sink, own)) }];
    },
    // SSM names and public URLs only: the whole block.
    deployed: (config) => config,
  };
}

/** What an SNS topic sink declares beyond the common fields. */
export interface TopicSinkParts<Key extends string, Schema extends z.ZodType, StormKey extends string, Name extends SinkName>
  extends Omit<SinkSpec<Key, Schema, StormKey, Name>, 'instances' | 'deployed' | 'dryRun' | 'topic' | 'secretLabel'> {
  topic: TopicName;
  /** Deployed only when its block is configured (else always, like the page and chatops topics). */
  optional?: boolean;
  /** `transports` for what a topic's message may carry beyond the publisher (the page's ack links). */
  notifier(publisher: NotificationPublisher, transports: SinkTransports): Notifier;
}

/** An SNS topic sink: its subscribers are made at deploy time, so the functions receive nothing of its block. */
export function defineTopicSink<Key extends string, Schema extends z.ZodType, StormKey extends string, Name extends SinkName>(
  parts: TopicSinkParts<Key, Schema, StormKey, Name>,
): SinkSpec<Key, Schema, StormKey, Name> {
  const { notifier, optional = false, ...common } = parts;
  const present = (config: unknown): boolean => !optional || config !== undefined;
  const sink = soleSink(parts.name);
  return {
    ...common,
    dryRun: {},
    instances: (config) => (present(config) ? [{ sink, notifier: (transports) => notifier(transports.publisher, transports) }] : []),
    deployed: (config) => (present(config) ? {} : undefined),
  };
}

/** An SSM parameter name: the config names secrets, never holds them. */
export const ssmParameterName = z
  .string()
  .regex(/^\/[A-Za-z0-9_.\-/]+$/, 'expected an SSM parameter name starting with "/" (the secret itself never goes in config)');

/** The customer KMS key of a sink's SecureString; default: the AWS-managed aws/ssm key. */
export const kmsKeyArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:kms:/, 'expected a KMS key ARN')
  .optional();

export const httpsUrl = z.url({ protocol: /^https$/, error: 'expected an https:// URL' });
export const emailAddress = z.email({ error: 'expected an e-mail address' });
export const smsNumber = z.string().regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 phone number such as "+4915112345678"');

/** The secret of a config block that names its parameter and, optionally, its customer key. */
export function secretOf(parameter: string, kms: string | undefined, kind: SinkSecret['kind']): SinkSecret {
  return kms ? { parameter, kmsKeyArn: kms, kind } : { parameter, kind };
}
