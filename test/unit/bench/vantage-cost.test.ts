// bench/vantage-cost.ts over a fixed vantage template (test/fixtures/cost-model/vantage.template.json: the
// us-east-1 stack of a three-vantage config, home eu-central-1, two health targets) and the example home
// template: what one vantage adds is pinned, and with the vote's once-only line the first vantage stays under
// the $1 a month a vantage may cost, every line listed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { secondRoundWays, vantageCostItems, voteItemSize, voteOnceItems } from '../../../bench/vantage-cost.ts';

const read = (path: string): unknown => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));
type Template = Parameters<typeof vantageCostItems>[0];
const vantage = () => read('../../fixtures/cost-model/vantage.template.json') as Template;
const home = () => read('../../fixtures/cost-model/example.template.json') as Template;
const cents = (items: { usd: number }[]): number => Math.round(items.reduce((sum, item) => sum + item.usd, 0) * 100) / 100;

/** USD per month each vantage adds at today's prices and WORKLOAD (three vantages, two targets). */
const PINNED_PER_VANTAGE = 0.93;
/** USD per month the vote adds once: the home probe's reports write their rounds too. */
const PINNED_VOTE_ONCE = 0.05;

describe('cost of a probe vantage', () => {
  it('pins what each vantage adds; the first one, with the vote turned on, is at most $1 a month', () => {
    const items = vantageCostItems(vantage(), home(), 3);
    expect(cents(items)).toBe(PINNED_PER_VANTAGE);
    expect(cents(voteOnceItems(vantage(), 3))).toBe(PINNED_VOTE_ONCE);
    expect(cents([...items, ...voteOnceItems(vantage(), 3)])).toBe(0.98);
    expect(cents([...items, ...voteOnceItems(vantage(), 3)])).toBeLessThanOrEqual(1);
  });

  it('a three-vantage config (home + two vantage stacks) adds twice each vantage plus the vote once', () => {
    const two = [vantageCostItems(vantage(), home(), 3), vantageCostItems(vantage(), home(), 3), voteOnceItems(vantage(), 3)].flat();
    expect(cents(two)).toBe(1.91);
  });

  it('lists every line item: the vantage stack, its reports on the home bus and across regions, the home router per report', () => {
    const lines = vantageCostItems(vantage(), home(), 3).map((i) => `${i.part}: ${i.resource}`);
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
      'router: DynamoDB on-demand writes (the vote: one UpdateItem per report)',
    ]);
  });

  it("the vote writes one unit per report while its item (every target's round from every vantage) stays under 1 KB, and reads nothing", () => {
    expect(voteItemSize(['gateway', 'server'], 3)).toEqual({ bytes: 727, writeUnits: 1 });
    // Each target adds its round from every vantage (about 80 bytes): three targets from three vantages still fit, four do not.
    expect(voteItemSize(['gateway', 'server', 'agents'], 3)).toEqual({ bytes: 976, writeUnits: 1 });
    expect(voteItemSize(['gateway', 'server', 'agents', 'admin'], 3).writeUnits).toBe(2);
    expect(voteItemSize(['gateway', 'server'], 5).writeUnits).toBe(2);
    const vote = vantageCostItems(vantage(), home(), 3).at(-1)!;
    expect(vote.quantity).toBe('86,400 WRU (86,400 x 1: one item of 727 bytes, 2 targets x 3 vantages, no read)');
    expect(vote.usd).toBeCloseTo(0.054, 4);
    expect(vantageCostItems(vantage(), home(), 3).some((i) => i.resource.includes('BatchGet'))).toBe(false);
  });

  it('the second-round queue is the largest line (its event source polls whether or not a message waits)', () => {
    const [largest] = [...vantageCostItems(vantage(), home(), 3)].sort((a, b) => b.usd - a.usd);
    expect(largest?.resource).toBe('SQS requests (second-round queue)');
    expect(largest?.usd).toBeCloseTo(0.2938, 4);
  });

  it('yet every other way to wait 30 s costs more, or cannot keep the 30 s (Scheduler fires anywhere in its minute)', () => {
    const ways = secondRoundWays(vantage());
    const deployed = ways[0]!;
    expect(deployed.how).toContain('SQS');
    expect(deployed.usd).toBeCloseTo(0.383, 3);
    for (const way of ways.slice(1).filter((w) => w.keepsSpacing)) expect(way.usd).toBeGreaterThan(deployed.usd);
    expect(ways.map((w) => [w.how.split(' ')[0], Math.round(w.usd * 100) / 100, w.keepsSpacing])).toEqual([
      ['SQS', 0.38, true],
      ['one', 2.24, true],
      ['Step', 1.48, true],
      ['EventBridge', 0.13, false],
    ]);
  });

  it('a customer-managed key or an alarm in the vantage stack shows up as its own cost', () => {
    const withKey = vantage() as { Resources: Record<string, unknown> };
    withKey.Resources.ExtraKey = { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } };
    expect(cents(vantageCostItems(withKey as Template, home(), 3))).toBeCloseTo(PINNED_PER_VANTAGE + 1, 10);
  });

  it('refuses a template with a resource type it cannot price, naming it', () => {
    const stranger = vantage() as { Resources: Record<string, unknown> };
    stranger.Resources.Canary = { Type: 'AWS::Synthetics::Canary', Properties: {} };
    expect(() => vantageCostItems(stranger as Template, home(), 3)).toThrow(
      'vantage-cost: resource types not priced: AWS::Synthetics::Canary',
    );
  });
});
