// bench/cost-model.ts over a fixed template (test/fixtures/cost-model/example.template.json: the example
// config's stack, synthesized once): the total is pinned, so a change to the model's arithmetic, prices or
// workload shows up here as a number to explain, and a function the model does not know is a warning.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeCostModel, withTraceCheckSchedule, WORKLOAD } from '../../../bench/cost-model.ts';
import { parseConfig } from '../../../lambdas/core/config.ts';

const read = (path: string): unknown => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));
const template = () => read('../../fixtures/cost-model/example.template.json') as Parameters<typeof computeCostModel>[0];
const config = parseConfig(read('../../../metis-alerts.config.example.json'));
/** USD per month for the example template at today's prices and WORKLOAD (trace-check at 1.96 CPU-s per run, every minute). */
const PINNED_TOTAL = 5.84;
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

  it("prices a trace-check run at the bench's measured CPU time, at Lambda's CPU share for its memory, and says where the figure comes from", () => {
    expect(WORKLOAD.traceCheckColdCpuSeconds).toBe(1.96);
    const model = computeCostModel(template(), config);
    expect(model.assumptions.join('\n')).toContain("1.96 CPU-s (bench/results.md, the bounded cold check's CPU time, median of 5)");
    // 512 MB is 0.29 vCPU: a run bills 1.96 / (512 / 1769) = 6.8 s; 43,200 runs x 6.8 s x 0.5 GB.
    const compute = model.deployment.find((i) => i.part === 'trace-check' && i.resource.startsWith('Lambda compute'))!;
    expect(compute.resource).toBe('Lambda compute (512 MB, arm64)');
    expect(compute.quantity).toBe('146,274 GB-s (43,200 new-snapshot runs x 6.8 s (1.96 CPU-s at 0.29 vCPU))');
  });

  it('below one vCPU the memory size does not change what a CPU-bound check costs; above it, it costs more', () => {
    const computeAt = (memoryMb: number) => {
      const t = template() as { Resources: Record<string, { Type?: string; Properties?: Record<string, unknown> }> };
      for (const [id, r] of Object.entries(t.Resources))
        if (r.Type === 'AWS::Lambda::Function' && id.startsWith('TraceChecks')) r.Properties!.MemorySize = memoryMb;
      const model = computeCostModel(t as Parameters<typeof computeCostModel>[0], config);
      return model.deployment.find((i) => i.part === 'trace-check' && i.resource.startsWith('Lambda compute'))!.usd;
    };
    expect(computeAt(256)).toBeCloseTo(computeAt(1024), 6);
    expect(computeAt(3538)).toBeCloseTo(2 * computeAt(1024), 6);
  });

  it("on a longer schedule the runbook allows, trace-check and the shipper's uploads run less often: 2 minutes is under $5", () => {
    const totalAt = (minutes: number) => total(computeCostModel(withTraceCheckSchedule(template(), minutes), config).deployment);
    expect(totalAt(1)).toBe(PINNED_TOTAL);
    expect([2, 3, 4, 5].map(totalAt)).toEqual([4.52, 4.08, 3.86, 3.73]);
    const puts = computeCostModel(withTraceCheckSchedule(template(), 2), config).deployment.find((i) =>
      i.resource.startsWith('S3 PUT requests'),
    )!;
    expect(puts.quantity).toMatch(/^21,600 \(21,600 uploads x 1/);
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
