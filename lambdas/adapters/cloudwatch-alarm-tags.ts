// Any CloudWatch alarm tagged `metis:severity=SEVn` is routed like a signal (docs/architecture.md, Data flow).
// Alarm state-change events do not carry tags, so the router looks them up; a small per-ARN cache
// keeps a flapping alarm from calling ListTagsForResource on every transition.
import { ListTagsForResourceCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { AlarmTagReader } from '../core/ports.ts';

export interface CloudWatchAlarmTagsOptions {
  readonly client: CloudWatchClient;
  /** How long a lookup is reused; tags rarely change. @default 300000 (5 minutes) */
  readonly ttlMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

export class CloudWatchAlarmTags implements AlarmTagReader {
  private readonly client: CloudWatchClient;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly cache = new Map<string, { at: number; tags: Promise<Record<string, string>> }>();

  constructor(options: CloudWatchAlarmTagsOptions) {
    this.client = options.client;
    this.ttlMs = options.ttlMs ?? 300_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * All tags of the alarm. Throws if they cannot be read (AccessDenied, throttling): treating that as
   * "untagged" would silently drop what may be a SEV1 alarm, so the router must fail and be retried.
   * Failures are not cached; the promise is, so concurrent lookups of one alarm share one request.
   */
  tagsOf(alarmArn: string): Promise<Record<string, string>> {
    const cached = this.cache.get(alarmArn);
    if (cached && this.now() - cached.at < this.ttlMs) return cached.tags.then((tags) => ({ ...tags }));
    const tags = this.fetch(alarmArn);
    this.cache.set(alarmArn, { at: this.now(), tags });
    tags.catch(() => {
      if (this.cache.get(alarmArn)?.tags === tags) this.cache.delete(alarmArn);
    });
    return tags.then((value) => ({ ...value }));
  }

  private async fetch(alarmArn: string): Promise<Record<string, string>> {
    const result = await this.client.send(new ListTagsForResourceCommand({ ResourceARN: alarmArn }));
    const tags: Record<string, string> = {};
    for (const tag of result.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
    return tags;
  }
}
