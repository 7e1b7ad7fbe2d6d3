// CloudWatchAlarmTags against moto's ListTagsForResource, plus its cache.
import { CloudWatchClient, PutMetricAlarmCommand, TagResourceCommand } from '@aws-sdk/client-cloudwatch';
import { beforeAll, describe, expect, it } from 'vitest';
import { CloudWatchAlarmTags } from '../../../lambdas/adapters/cloudwatch-alarm-tags.ts';
import { ACCOUNT, REGION, clientConfig, cloudWatchClient } from '../support/aws.ts';

const cloudwatch = cloudWatchClient();
const arn = (name: string) => `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`;
const severityOf = async (lookup: CloudWatchAlarmTags, name: string) => (await lookup.tagsOf(arn(name)))['metis:severity'];

async function putAlarm(name: string, tags: { Key: string; Value: string }[]): Promise<void> {
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      Namespace: 'Metis/Probes',
      MetricName: 'HealthzFailures',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Tags: tags,
    }),
  );
}

beforeAll(async () => {
  await putAlarm('gateway-healthz', [
    { Key: 'metis:severity', Value: 'SEV1' },
    { Key: 'team', Value: 'sre' },
  ]);
  await putAlarm('operator-own', [{ Key: 'team', Value: 'sre' }]);
});

describe('CloudWatchAlarmTags', () => {
  it('reads all tags of an alarm (ListTagsForResource)', async () => {
    const lookup = new CloudWatchAlarmTags({ client: cloudwatch });
    expect(await lookup.tagsOf(arn('gateway-healthz'))).toEqual({ 'metis:severity': 'SEV1', team: 'sre' });
    expect(await lookup.tagsOf(arn('operator-own'))).toEqual({ team: 'sre' });
  });

  it('caches per ARN until the TTL passes', async () => {
    await putAlarm('retagged', [{ Key: 'metis:severity', Value: 'SEV3' }]);
    let now = 1_000_000;
    const lookup = new CloudWatchAlarmTags({ client: cloudwatch, ttlMs: 60_000, now: () => now });
    expect(await severityOf(lookup, 'retagged')).toBe('SEV3');
    await cloudwatch.send(new TagResourceCommand({ ResourceARN: arn('retagged'), Tags: [{ Key: 'metis:severity', Value: 'SEV2' }] }));
    now += 59_000;
    expect(await severityOf(lookup, 'retagged')).toBe('SEV3');
    now += 2_000;
    expect(await severityOf(lookup, 'retagged')).toBe('SEV2');
  });

  it('hands out copies: a caller mutating the tags does not change the cache', async () => {
    const lookup = new CloudWatchAlarmTags({ client: cloudwatch });
    const first = await lookup.tagsOf(arn('gateway-healthz'));
    first['metis:severity'] = 'SEV4';
    expect(await severityOf(lookup, 'gateway-healthz')).toBe('SEV1');
  });

  it('throws (and does not cache) when the tags cannot be read', async () => {
    const broken = new CloudWatchAlarmTags({
      client: new CloudWatchClient({ ...clientConfig(), endpoint: 'http://127.0.0.1:9', maxAttempts: 1 }),
    });
    await expect(broken.tagsOf(arn('gateway-healthz'))).rejects.toThrow(/ECONNREFUSED/);
    await expect(broken.tagsOf(arn('gateway-healthz'))).rejects.toThrow(/ECONNREFUSED/);
  });
});
