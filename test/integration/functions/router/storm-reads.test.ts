// A storm's cost in table reads: 250 new incidents in one report through the router handler against moto,
// with the default inhibitions (so every trace-DB signal needs the open incidents to check for an
// inhibitor). The open incidents are read once per invocation and kept current in place; each incident
// then costs one consistent read, not a rescan of the table after every incident it opens.
import { describe, expect, it } from 'vitest';
import { DynamoDbIncidentStore } from '../../../../lambdas/adapters/dynamodb-incident-store.ts';
import { DynamoDbStormLedger } from '../../../../lambdas/adapters/dynamodb-storm-ledger.ts';
import { CloudWatchAlarmTags } from '../../../../lambdas/adapters/cloudwatch-alarm-tags.ts';
import { SqsDeadLetterSink } from '../../../../lambdas/adapters/sqs-dead-letter.ts';
import type { IncidentStore } from '../../../../lambdas/core/ports.ts';
import { makeRouterHandler } from '../../../../lambdas/functions/router/handler.ts';
import {
  createTable,
  DEFAULT_SETTINGS,
  report,
  reportEvent,
  signal,
  useRouterWorld,
  worldNotifiers,
  type RouterWorld,
} from '../../support/router-fixture.ts';

let world: RouterWorld;
useRouterWorld((created) => (world = created));

// 250 shows the shape (old code: a scan per opened incident); the count per incident does not depend on N.
const N = 250;
const WHEN = '2026-11-24T10:00:00.000Z';
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

/** The real store, counting each kind of call (a listOpen is one Query or one consistent Scan of every open incident). */
function counting(base: IncidentStore) {
  const calls = { get: 0, listOpen: 0, listOwed: 0, listWatched: 0, put: 0 };
  const store: IncidentStore = {
    get(key) {
      calls.get++;
      return base.get(key);
    },
    listOpen(source) {
      calls.listOpen++;
      return base.listOpen(source);
    },
    listOwed() {
      calls.listOwed++;
      return base.listOwed();
    },
    listWatched(source) {
      calls.listWatched++;
      return base.listWatched(source);
    },
    put(incident, expected) {
      calls.put++;
      return base.put(incident, expected);
    },
  };
  return { store, calls };
}

describe('a storm of new incidents in one report', { timeout: 600_000 }, () => {
  it('reads the open incidents once per invocation and each incident about once', async () => {
    const tableName = await createTable(world, 'storm-reads');
    const { store, calls } = counting(new DynamoDbIncidentStore({ client: world.dynamo, tableName }));
    const router = makeRouterHandler({
      store,
      storm: new DynamoDbStormLedger({ client: world.dynamo, tableName }),
      notifiers: worldNotifiers(world, { secretMaxAgeSeconds: 300 }),
      settings: DEFAULT_SETTINGS,
      clock: () => new Date(WHEN),
      logger: quiet,
      deadLetter: new SqsDeadLetterSink({ client: world.sqs, queueUrl: world.dlqUrl }),
      alarmTags: new CloudWatchAlarmTags({ client: world.cloudwatch }),
    });
    // SEV3: chatops only, so the run is about table reads, not 500 pages.
    const signals = Array.from({ length: N }, (_, i) =>
      signal({ rule: 'model_error_rate', subject: `model-${i}`, severity: 'SEV3', observedAt: WHEN }),
    );
    expect(await router(reportEvent(report(WHEN, [], signals), WHEN))).toMatchObject({ status: 'routed', signals: N });

    expect((await new DynamoDbIncidentStore({ client: world.dynamo, tableName }).listOpen()).length).toBe(N);
    // The handler's open-by-source Query (open incidents and those waiting for a reopen check), and one scan
    // for the inhibition checks: not one per incident.
    expect(calls.listWatched).toBe(1);
    expect(calls.listOpen).toBeLessThanOrEqual(1);
    // Per incident: the consistent read before its conditional write (a lost race would add one more).
    expect(calls.get).toBeLessThanOrEqual(3 * N + 10);
    expect(calls.get + calls.listOpen + calls.listOwed + calls.listWatched).toBeLessThanOrEqual(3 * N + 13);
  });
});
