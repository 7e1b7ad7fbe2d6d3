// The whole deployment from one config: the home stack and, per extra probe vantage, a probe stack in that
// region (docs/vantages.md). bin/app.ts calls this; the CDK tests build the same app through it.
import type { App } from 'aws-cdk-lib';
import { ConfigError, type Config } from '../lambdas/core/config.ts';
import { vantagePlan, type VantagePlan } from '../lambdas/core/probe/vantages.ts';
import { MetisAlertsStack } from './metis-alerts-stack.ts';
import { vantageStackName } from './probe-vantage-names.ts';
import { ProbeVantageStack } from './probe-vantage-stack.ts';

export interface MetisAlertsApp {
  readonly home: MetisAlertsStack;
  /** One per extra vantage region, each deployed after the home stack. */
  readonly vantages: readonly ProbeVantageStack[];
  /** Present when the config lists vantages. */
  readonly plan?: VantagePlan;
}

/**
 * `homeRegion`: where the home stack deploys (`cdk -c homeRegion=...`, else the CLI's CDK_DEFAULT_REGION). Needed
 * only with `probes.vantages`: the vantage stacks name the home bus by ARN, and the home stack is then pinned there.
 */
export function buildMetisAlertsApp(app: App, config: Config, homeRegion: string | undefined, origin = 'config'): MetisAlertsApp {
  if (config.probes.vantages.length === 0) return { home: new MetisAlertsStack(app, config.name, { config }), vantages: [] };
  if (!homeRegion)
    throw new ConfigError(
      `${origin}: probes.vantages: the home region is unknown: deploy with a region (AWS_REGION or the profile's) or pass -c homeRegion=REGION`,
    );
  const plan = vantagePlan(config.probes, homeRegion);
  if (typeof plan === 'string') throw new ConfigError(`${origin}: ${plan}`);
  const home = new MetisAlertsStack(app, config.name, { config, env: { region: plan.home }, probeVantages: plan.extra });
  const vantages = plan.extra.map((region) => {
    const stack = new ProbeVantageStack(app, vantageStackName(config.name, region), { config, region, homeRegion: plan.home });
    // `cdk deploy --all` creates the bus (and its policy for this probe's role) before the probe reports to it.
    stack.addStackDependency(home, 'the probe reports to the home bus');
    return stack;
  });
  return { home, vantages, plan };
}
