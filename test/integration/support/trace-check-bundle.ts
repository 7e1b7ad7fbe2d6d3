// Synthesizes the stack into a temporary cloud assembly and finds the trace-check function's bundled
// asset directory (what `cdk deploy` zips and uploads).
import { App } from 'aws-cdk-lib';
import type { Config } from '../../../lambdas/core/config.ts';
import { MetisAlertsStack } from '../../../lib/metis-alerts-stack.ts';
import { cdkJsonContext } from '../../cdk/synth-helpers.ts';
import { synthFunctionAsset, type FunctionAsset } from './bundle.ts';

export type TraceCheckAsset = FunctionAsset;

/** Synthesizes `config` into `outdir` (bundling with the local esbuild, as `cdk synth` does) and locates the asset. */
export function synthTraceCheckAsset(config: Config, outdir: string): TraceCheckAsset {
  const app = new App({ outdir, context: cdkJsonContext() });
  const stack = new MetisAlertsStack(app, config.name, { config });
  return synthFunctionAsset(app, stack, 'TraceChecksLambdaFunction');
}
