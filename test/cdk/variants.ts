// Configs and stacks that several CDK test files build: each construct's own test checks what it builds,
// and cfn-lint.test.ts lints all of their templates in one cfn-lint run (its start-up dominates a run).
import { App, Stack } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { parseConfig, type Config } from '../../lambdas/core/config.ts';
import { LogWatch } from '../../lib/log-watch.ts';
import { testAppContext } from './synth-helpers.ts';

/** Probes: an https target with headers from SSM and an http target. */
export const PROBE_CONFIG = {
  name: 'metis-probe',
  healthTargets: [
    {
      name: 'gateway',
      url: 'https://gateway.metis.example.com/healthz',
      headersFromSsm: { 'x-health-token': '/metis/probe/gateway-token', authorization: '/metis/probe/gateway-auth' },
    },
    { name: 'server', url: 'http://agents.metis.internal:8080/health', expectStatus: [200], timeoutMs: 8000 },
  ],
};

export const PREFIX = 'metis/prod';
/** Trace checks every 2 minutes, with non-default rules. */
export const SNAPSHOT_CONFIG = {
  name: 'metis-trace',
  snapshot: { prefix: PREFIX, scheduleMinutes: 2 },
  // Non-default rules, so the TRACE_RULES check can tell the config's rules from the defaults.
  rules: {
    cost_projection: { dailyBudgetUsd: 120 },
    bill_threshold: { monthlyHardCapUsd: 5000 },
    model_error_rate: { threshold: 0.1, minCalls: 30 },
    latency_p95: { enabled: false },
  },
};

export const CUSTOMER_KEY = 'arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
/** A staging config: customer-managed SSM key, EU events URL, snapshot every 5 min, 45 quiet minutes. */
export const STAGING_CONFIG = {
  name: 'metis-staging',
  snapshot: { prefix: 'metis/staging', scheduleMinutes: 5 },
  rules: { traceback: { quietMinutes: 45 } },
  sinks: {
    pagerduty: {
      routingKeyParameter: '/metis/staging/pd-key',
      kmsKeyArn: CUSTOMER_KEY,
      eventsUrl: 'https://events.eu.pagerduty.com/v2/enqueue',
    },
  },
};

export const GATEWAY = '/metis/prod/gateway';
export const SERVER = '/metis/prod/agent-server';
/** Log watch over two groups, one with its own filter pattern. */
export const LOG_WATCH_CONFIG = parseConfig({
  name: 'metis-logs',
  logGroups: [{ name: GATEWAY }, { name: SERVER, filterPattern: '?Traceback ?"Exception in ASGI application"' }],
  rules: { quota_exceeded_sustained: { perMinute: 2, minutes: 4 } },
});

/** LogWatch alone in a stack with an EventBus. */
export function logWatchBareStack(config: Config, beforeApp?: (app: App) => void): { app: App; stack: Stack; logWatch: LogWatch } {
  const app = new App({ context: testAppContext() });
  beforeApp?.(app);
  const stack = new Stack(app, 'LogWatchTest');
  const bus = new EventBus(stack, 'Bus', { eventBusName: 'metis-logs-bus' });
  const logWatch = new LogWatch(stack, 'LogWatch', { namePrefix: config.name, bus, logGroups: config.logGroups, rules: config.rules });
  return { app, stack, logWatch };
}
