// The sweeper's adapters and settings from its environment and clients: what index.ts runs and the tests exercise.
import { notificationAdapters, type NotificationClients } from '../commons/notification-adapters.ts';
import type { Runtime } from '../commons/runtime.ts';
import type { SweeperEnvironment } from './env.ts';
import type { SweeperDeps } from './handler.ts';

export type SweeperClients = NotificationClients;

export function buildSweeperDeps(env: SweeperEnvironment, clients: SweeperClients, runtime: Runtime): SweeperDeps {
  return {
    ...notificationAdapters(env, clients),
    clock: runtime.clock,
    expectedSources: env.SWEEPER_SETTINGS.expectedSources,
    options: {
      tracebackQuietMinutes: env.SWEEPER_SETTINGS.tracebackQuietMinutes,
      quietResolveMinutes: env.SWEEPER_SETTINGS.quietResolveMinutes,
      noDataAfterMinutes: env.SWEEPER_SETTINGS.noDataAfterMinutes,
      reportEveryMinutes: env.SWEEPER_SETTINGS.reportEveryMinutes,
    },
    logger: runtime.logger,
  };
}
