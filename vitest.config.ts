import { configDefaults, defineConfig } from 'vitest/config';

// Four suites with different costs: unit (pure core, no I/O), cdk (synth + cdk-nag + cfn-lint),
// integration (moto server on loopback, local HTTP servers) and slow (long property runs, big storms:
// any *.slow.test.ts, run last by `npm test`). Each is run on its own by npm scripts.
// Every project fails the run if its tests leave files in the working tree (test/support/stray-files.ts).
const strayFiles = 'test/support/stray-files.ts';
const slow = 'test/**/*.slow.test.ts';
const moto = [strayFiles, 'test/integration/support/global-setup.ts'];

export default defineConfig({
  test: {
    projects: [
      // Property tests run hundreds of cases: on a loaded 2-core CI machine 5 s is too little headroom.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], exclude: [...configDefaults.exclude, slow], globalSetup: [strayFiles], testTimeout: 30_000 } },
      {
        test: {
          name: 'cdk',
          include: ['test/cdk/**/*.test.ts'],
          exclude: [...configDefaults.exclude, slow],
          globalSetup: [strayFiles],
          testTimeout: 120_000,
          hookTimeout: 120_000,
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
          maxWorkers: 3,
        },
      },
      {
        test: {
          name: 'slow',
          include: [slow],
          globalSetup: moto,
          testTimeout: 300_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
        },
      },
    ],
  },
});
