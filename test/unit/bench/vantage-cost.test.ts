// bench/vantage-cost.ts over a fixed vantage template (test/fixtures/cost-model/vantage.template.json: the
// us-east-1 stack of a three-vantage config, home eu-central-1, two health targets) and the example home
// template: what one vantage adds is pinned, under the $1 a month a vantage may cost, every line listed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { vantageCostItems } from '../../../bench/vantage-cost.ts';

const read = (path: string): unknown => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));
type Template = Parameters<typeof vantageCostItems>[0];
const vantage = () => read('../../fixtures/cost-model/vantage.template.json') as Template;
const home = () => read('../../fixtures/cost-model/example.template.json') as Template;
const cents = (items: { usd: number }[]): number => Math.round(items.reduce((sum, item) => sum + item.usd, 0) * 100) / 100;

/** USD per month one vantage adds at today's prices and WORKLOAD. */
const PINNED_PER_VANTAGE = 0.88;

describe('cost of a probe vantage', () => {
  it('pins what one vantage adds, at most $1 a month', () => {
    const items = vantageCostItems(vantage(), home());
    expect(cents(items)).toBe(PINNED_PER_VANTAGE);
    expect(cents(items)).toBeLessThanOrEqual(1);
  });

  it('a three-vantage config (home + two vantage stacks) adds twice that', () => {
    const two = [vantageCostItems(vantage(), home()), vantageCostItems(vantage(), home())].flat();
    expect(cents(two)).toBe(1.75);
  });

  it('lists every line item: the vantage stack, its reports on the home bus and across regions, the home router per report', () => {
    const lines = vantageCostItems(vantage(), home()).map((i) => `${i.part}: ${i.resource}`);
    expect(lines).toEqual([
      'probe: Lambda compute (128 MB, arm64)',
      'probe: Lambda requests',
      'probe: CloudWatch Logs ingestion',
      'probe: CloudWatch Logs storage (30 days kept)',
      'probe: SQS requests (second-round queue)',
      'probe: SQS requests (vantage dead-letter queue)',
      'probe: DynamoDB on-demand reads (vantage probe state, consistent GetItem)',
      'probe: DynamoDB on-demand writes (vantage probe state, PutItem)',
      'probe: DynamoDB storage + PITR (vantage probe state)',
      'probe: CloudWatch alarms',
      'probe: KMS customer managed keys',
      'probe: EventBridge scheduled invocations',
      'probe: EventBridge custom events (reports put on the home bus)',
      'probe: Data transfer between regions (reports)',
      'router: Lambda compute (home router) (256 MB, arm64)',
      'router: Lambda requests (home router)',
      'router: CloudWatch Logs ingestion (home router)',
      'router: CloudWatch Logs storage (home router) (30 days kept)',
      'router: DynamoDB on-demand reads (open incidents of the source, per report)',
      'router: DynamoDB on-demand writes (heartbeat, per report)',
    ]);
  });

  it('the second-round queue is the largest line (its event source polls whether or not a message waits)', () => {
    const [largest] = [...vantageCostItems(vantage(), home())].sort((a, b) => b.usd - a.usd);
    expect(largest?.resource).toBe('SQS requests (second-round queue)');
    expect(largest?.usd).toBeCloseTo(0.2938, 4);
  });

  it('a customer-managed key or an alarm in the vantage stack shows up as its own cost', () => {
    const withKey = vantage() as { Resources: Record<string, unknown> };
    withKey.Resources.ExtraKey = { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } };
    expect(cents(vantageCostItems(withKey as Template, home()))).toBe(PINNED_PER_VANTAGE + 1);
  });

  it('refuses a template with a resource type it cannot price, naming it', () => {
    const stranger = vantage() as { Resources: Record<string, unknown> };
    stranger.Resources.Canary = { Type: 'AWS::Synthetics::Canary', Properties: {} };
    expect(() => vantageCostItems(stranger as Template, home())).toThrow(
      'vantage-cost: resource types not priced: AWS::Synthetics::Canary',
    );
  });
});
