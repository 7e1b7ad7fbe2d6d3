// CDK app entry: picks the config file, validates it, builds the stacks, runs cdk-nag. Nothing else.
// Config path: `cdk synth -c config=FILE`, else metis-alerts.config.json, else the example. With probe
// vantages, the home region: `-c homeRegion=REGION`, else the region the CDK CLI deploys to.
import { existsSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfigFile } from '../lambdas/adapters/config-file.ts';
import { ConfigError, type Config } from '../lambdas/core/config.ts';
import { buildMetisAlertsApp } from '../lib/metis-alerts-app.ts';

const OPERATOR_CONFIG = 'metis-alerts.config.json';
const EXAMPLE_CONFIG = 'metis-alerts.config.example.json';

function configPath(app: App): string {
  const fromContext: unknown = app.node.tryGetContext('config');
  if (typeof fromContext === 'string' && fromContext !== '') return fromContext;
  if (existsSync(OPERATOR_CONFIG)) return OPERATOR_CONFIG;
  console.error(`metis-alerts: no ${OPERATOR_CONFIG}, using ${EXAMPLE_CONFIG} (pass -c config=FILE to choose)`);
  return EXAMPLE_CONFIG;
}

function homeRegion(app: App): string | undefined {
  const fromContext: unknown = app.node.tryGetContext('homeRegion');
  if (typeof fromContext === 'string' && fromContext !== '') return fromContext;
  return process.env.CDK_DEFAULT_REGION || undefined;
}

function orExit<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}

const app = new App();
const path = configPath(app);
const config: Config = orExit(() => loadConfigFile(path));
orExit(() => buildMetisAlertsApp(app, config, homeRegion(app), path));
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
