// CDK app entry: picks the config file, validates it, builds the stack, runs cdk-nag. Nothing else.
// Config path: `cdk synth -c config=FILE`, else metis-alerts.config.json, else the example.
import { existsSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfigFile } from '../lambdas/adapters/config-file.ts';
import { ConfigError, type Config } from '../lambdas/core/config.ts';
import { MetisAlertsStack } from '../lib/metis-alerts-stack.ts';

const OPERATOR_CONFIG = 'metis-alerts.config.json';
const EXAMPLE_CONFIG = 'metis-alerts.config.example.json';

function configPath(app: App): string {
  const fromContext: unknown = app.node.tryGetContext('config');
  if (typeof fromContext === 'string' && fromContext !== '') return fromContext;
  if (existsSync(OPERATOR_CONFIG)) return OPERATOR_CONFIG;
  console.error(`metis-alerts: no ${OPERATOR_CONFIG}, using ${EXAMPLE_CONFIG} (pass -c config=FILE to choose)`);
  return EXAMPLE_CONFIG;
}

function loadOrExit(path: string): Config {
  try {
    return loadConfigFile(path, (message) => console.error(`metis-alerts: warning: ${message}`));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}

const app = new App();
const config = loadOrExit(configPath(app));
new MetisAlertsStack(app, config.name, { config });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
