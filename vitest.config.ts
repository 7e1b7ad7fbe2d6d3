import { defineConfig } from 'vitest/config';

// Three suites with different costs: unit (pure core, no I/O), cdk (synth + cdk-nag + cfn-lint),
// integration (moto server on loopback, local HTTP servers). Each is run on its own by npm scripts.
// Every project fails the run if its tests leave files in the working tree (test/support/stray-files.ts).
const strayFiles = 'test/support/stray-files.ts';

export default defineConfig({
  test: {
    projects: [
      // Property tests run thousands of cases: on a loaded 2-core CI machine 5 s is too little headroom.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], globalSetup: [strayFiles], testTimeout: 30_000 } },
      {
        test: { name: 'cdk', include: ['test/cdk/**/*.test.ts'], globalSetup: [strayFiles], testTimeout: 120_000, hookTimeout: 120_000 },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: [strayFiles, 'test/integration/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
