import { configDefaults, defineConfig } from 'vitest/config';

// Four suites with different costs: unit (pure core, no I/O), cdk (synth + cdk-nag + cfn-lint),
// integration (moto server on loopback, local HTTP servers) and slow (long property runs, big storms:
// any *.slow.test.ts). npm scripts run each on its own; `npm test` runs them all in one `vitest run`, in
// one pool: cdk and unit are CPU, integration mostly waits on moto, child processes and long polls, so
// together they keep 2 cores busy where one suite after another left one idle.
// Every project fails the run if its tests leave files in the working tree (test/support/stray-files.ts).
const strayFiles = 'test/support/stray-files.ts';
// One group, so one worker count for every project (vitest requires it): on 2 cores 3 workers keep both
// busy while one waits on I/O, without starving moto.
const workers = 3;
// cdk files share one module graph per worker (isolate: false): loading aws-cdk-lib again for every file
// was most of the suite's CPU. A file that mocks a module the others import needs its own graph.
const cdkMocked = ['test/cdk/sink-recipe.test.ts'];
const slow = 'test/**/*.slow.test.ts';
// Files whose long property runs use test/support/property-runs.ts: a tenth of the cases in unit, all in slow.
const fullPropertyRuns = [
  'test/unit/core/logs/fast-line.property.test.ts',
  'test/unit/core/logs/line-verdict.test.ts',
  'test/unit/core/logs/redaction-breadth.property.test.ts',
  'test/unit/core/logs/traceback-memo.property.test.ts',
];
const moto = [strayFiles, 'test/integration/support/global-setup.ts'];

export default defineConfig({
  test: {
    projects: [
      // Property tests run hundreds of cases: on a loaded 2-core CI machine 5 s is too little headroom.
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          exclude: [...configDefaults.exclude, slow],
          globalSetup: [strayFiles],
          testTimeout: 30_000,
          maxWorkers: workers,
        },
      },
      {
        test: {
          name: 'cdk',
          isolate: false,
          include: ['test/cdk/**/*.test.ts'],
          exclude: [...configDefaults.exclude, slow, ...cdkMocked],
          globalSetup: [strayFiles],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          maxWorkers: workers,
        },
      },
      {
        test: {
          name: 'cdk-mocked',
          include: cdkMocked,
          globalSetup: [strayFiles],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          maxWorkers: workers,
        },
      },
      {
        // Files run in parallel against the one moto server, each in its own moto account
        // (test/integration/support/moto-accounts.ts). Most of a file's time is waiting on moto, child
        // processes and SQS long polls, so 3 workers keep 2 cores busy without starving moto.
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: [...configDefaults.exclude, slow],
          globalSetup: moto,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: workers,
        },
      },
      {
        test: {
          name: 'slow',
          include: [slow, ...fullPropertyRuns],
          env: { METIS_FULL_PROPERTY_RUNS: '1' },
          globalSetup: moto,
          testTimeout: 300_000,
          hookTimeout: 120_000,
          maxWorkers: workers,
        },
      },
    ],
  },
});
