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
/** USD per month for the example template at today's prices and WORKLOAD (trace-check every minute at its measured CPU time). */
const PINNED_TOTAL = 4.66;
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
    const model = computeCostModel(template(), config);
    expect(model.assumptions.join('\n')).toContain(
      `${WORKLOAD.traceCheckNextCpuSeconds} CPU-s in a reused container (bench/results.md, long history: the bounded check of a new snapshot in the warm process, median), ` +
        `${WORKLOAD.traceCheckColdCpuSeconds} CPU-s for the first run of a new container`,
    );
    // 512 MB is 0.29 vCPU: a run bills CPU-s / (512 / 1769); one new container an hour (720 a month) pays the fresh-process figure.
    const compute = model.deployment.find((i) => i.part === 'trace-check' && i.resource.startsWith('Lambda compute'))!;
    expect(compute.resource).toBe('Lambda compute (512 MB, arm64)');
    const share = 512 / 1769;
    const gbs = ((42_480 * WORKLOAD.traceCheckNextCpuSeconds + 720 * WORKLOAD.traceCheckColdCpuSeconds) / share) * 0.5;
    expect(compute.quantity).toMatch(
      /^[\d,]+ GB-s \(42,480 new-snapshot runs x [\d.]+ s \([\d.]+ CPU-s at 0\.29 vCPU\) \+ 720 first runs of a new container x /,
    );
    expect(Number(compute.quantity.split(' ')[0]!.replace(/,/g, ''))).toBe(Math.round(gbs));
  });

  it('the CPU seconds it prices are the ones the long-history bench measured (bench/results.md), not typed in', () => {
    const results = readFileSync(new URL('../../../bench/results.md', import.meta.url), 'utf8');
    const median = (label: string): number => {
      const row = results.split('\n').find((line) => line.startsWith(`| ${label}`));
      if (!row) throw new Error(`bench/results.md has no row "${label}"`);
      return Number(/\| (\d+) ms \|/.exec(row)![1]) / 1_000;
    };
    const round2 = (x: number) => Math.round(x * 100) / 100;
    expect(WORKLOAD.traceCheckNextCpuSeconds).toBe(round2(median('bounded check in sql.js, a new snapshot in the warm process')));
    expect(WORKLOAD.traceCheckColdCpuSeconds).toBe(round2(median('bounded check in sql.js (cold), CPU time')));
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

  it("on a longer schedule the runbook allows, trace-check and the shipper's uploads run less often and the total falls", () => {
    const totalAt = (minutes: number) => total(computeCostModel(withTraceCheckSchedule(template(), minutes), config).deployment);
    expect(totalAt(1)).toBe(PINNED_TOTAL);
    expect([2, 3, 4, 5].map(totalAt)).toEqual([3.94, 3.7, 3.58, 3.51]);
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
