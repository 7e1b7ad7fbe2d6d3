// bench/cost-model.ts over a fixed template (test/fixtures/cost-model/example.template.json: the example
// config's stack, synthesized once): the total is pinned, so a change to the model's arithmetic, prices or
// workload shows up here as a number to explain, and a function the model does not know is a warning.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeCostModel, WORKLOAD } from '../../../bench/cost-model.ts';
import { parseConfig } from '../../../lambdas/core/config.ts';

const read = (path: string): unknown => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));
const template = () => read('../../fixtures/cost-model/example.template.json') as Parameters<typeof computeCostModel>[0];
const config = parseConfig(read('../../../metis-alerts.config.example.json'));
/** USD per month for the example template at today's prices and WORKLOAD (trace-check at 8.45 s per run). */
const PINNED_TOTAL = 6.33;
const total = (items: { usd: number }[]): number => Math.round(items.reduce((sum, item) => sum + item.usd, 0) * 100) / 100;

describe('cost model on the example template', () => {
  it('pins the monthly total, with no warning', () => {
    const model = computeCostModel(template(), config);
    expect(model.warnings).toEqual([]);
    expect(total(model.deployment)).toBe(PINNED_TOTAL);
  });

  it('the README and bench/results.md state the pinned total, not an older one', () => {
    const text = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
    expect(text('../../../README.md')).toContain(`About **$${PINNED_TOTAL} a month** for the example deployment`);
    expect(text('../../../bench/results.md')).toContain(`| **total** | **$${PINNED_TOTAL}** | 100 % |`);
  });

  it("prices a trace-check run at the bench's measured bounded cold check, and says where the figure comes from", () => {
    expect(WORKLOAD.traceCheckColdSeconds).toBe(8.45);
    const model = computeCostModel(template(), config);
    expect(model.assumptions.join('\n')).toContain('8.45 s (bench/results.md long-history, the bounded check');
  });

  it('a function it does not know is a warning naming it, left out of the totals (no crash)', () => {
    const withStranger = template() as { Resources: Record<string, unknown> };
    withStranger.Resources.StrangerFunction1234 = {
      Type: 'AWS::Lambda::Function',
      Properties: { MemorySize: 512, Architectures: ['arm64'] },
      Metadata: { 'aws:cdk:path': 'metis-prod/Stranger/Function/Resource' },
    };
    const model = computeCostModel(withStranger as Parameters<typeof computeCostModel>[0], config);
    expect(model.warnings).toEqual([
      'no workload model for function StrangerFunction1234: not priced (add its construct to PART_OF_CONSTRUCT and a WORKLOAD entry)',
    ]);
    expect(total(model.deployment)).toBe(PINNED_TOTAL);
  });
});
