// Sweeper Lambda entry (scheduled every 5 minutes): wires real AWS clients into makeSweeperHandler.
import { Logger } from '@aws-lambda-powertools/logger';
import { handlerLogger } from '../commons/environment.ts';
import { notificationAdapters } from '../commons/notification-adapters.ts';
import { readSweeperEnvironment } from './env.ts';
import { makeSweeperHandler } from './handler.ts';

const env = readSweeperEnvironment(process.env);

export const handler = makeSweeperHandler({
  ...notificationAdapters(env),
  clock: () => new Date(),
  expectedSources: env.SWEEPER_SETTINGS.expectedSources,
  options: {
    tracebackQuietMinutes: env.SWEEPER_SETTINGS.tracebackQuietMinutes,
    quietResolveMinutes: env.SWEEPER_SETTINGS.quietResolveMinutes,
    noDataAfterMinutes: env.SWEEPER_SETTINGS.noDataAfterMinutes,
  },
  logger: handlerLogger(new Logger()),
});
