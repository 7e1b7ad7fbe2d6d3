// `metis-alerts incidents ack` against moto, through the real CLI entry: an open incident records who
// acknowledged it, when and the note, via "cli"; a second ack changes nothing; a resolved incident, a
// missing one and a silence item are refused or left alone; the post-mortem draft shows the ack.
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbIncidentStore } from '../../../lambdas/adapters/dynamodb-incident-store.ts';
import { silenceKey } from '../../../lambdas/adapters/dynamodb-silence-store.ts';
import { parseConfig } from '../../../lambdas/core/config.ts';
import type { Incident } from '../../../lambdas/core/incident.ts';
import { routerSettingsOf } from '../../../lambdas/core/router-settings.ts';
import { applySignal, resolveIncident } from '../../../lambdas/core/routing-policy.ts';
import { createIncidentTable, dynamoClient, perFileName } from '../support/aws.ts';
import { expectUsageError, useAwsCliEnv } from '../support/aws-cli.ts';
import { runCli } from '../support/run-cli.ts';

const tableName = perFileName('incident-ack');
useAwsCliEnv(tableName);
const store = new DynamoDbIncidentStore({ client: dynamoClient(), tableName });
const SETTINGS = routerSettingsOf(parseConfig({}));
const OPENED = new Date(Date.now() - 10 * 60_000);

async function seed(dedupKey: string, resolved = false): Promise<Incident> {
  const [rule, subject] = dedupKey.split(':') as [string, string];
  const { next } = applySignal(
    undefined,
    {
      source: 'probe',
      rule,
      subject,
      severity: 'SEV1',
      status: 'firing',
      dedupKey,
      summary: 'down',
      observedAt: OPENED.toISOString(),
      details: {},
    },
    OPENED,
    SETTINGS,
  );
  const incident = resolved ? resolveIncident(next, new Date(OPENED.getTime() + 60_000), SETTINGS, 'healthy') : next;
  expect(await store.put(incident, undefined)).toBe(true);
  return incident;
}

beforeAll(async () => {
  await createIncidentTable(dynamoClient(), tableName);
});

describe('metis-alerts incidents ack', () => {
  it('acknowledges an open incident with --by and --note; the timeline and the post-mortem show it', async () => {
    await seed('healthz_down:gateway');
    const run = runCli(['incidents', 'ack', 'healthz_down:gateway', '--by', 'ana', '--note', 'on it', '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as { status: string; by: string; at: string; episode: number };
    expect(result).toMatchObject({ dedupKey: 'healthz_down:gateway', status: 'acknowledged', by: 'ana', episode: 1 });
    const stored = await store.get('healthz_down:gateway');
    expect(stored?.ack).toEqual({ at: result.at, by: 'ana', via: 'cli', note: 'on it' });
    expect(stored?.timeline.at(-1)).toEqual({ at: result.at, event: 'ack by ana (CLI): on it' });
    expect(stored?.version).toBe(1);
    // A SEV1: the ack's post in the incident's thread is owed, for the sweeper to send.
    expect(result).toMatchObject({ owed: ['chatops acknowledged'] });
    expect(stored?.deliveries.filter((d) => d.action === 'acknowledged').map((d) => [d.sink, d.status, d.human])).toEqual([
      ['chatops', 'pending', { at: result.at, by: 'ana', via: 'cli' }],
    ]);
    const postmortem = runCli(['postmortem', 'healthz_down:gateway']);
    expect(postmortem.stdout).toContain(`— ack by ana (CLI): on it`);
  });

  it('a second ack changes nothing and says who was first', async () => {
    const before = await store.get('healthz_down:gateway');
    const run = runCli(['incidents', 'ack', 'healthz_down:gateway', '--by', 'bob']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^healthz_down:gateway \(episode 1\) was already acknowledged by ana at \S+: nothing changed\n$/);
    expect(await store.get('healthz_down:gateway')).toEqual(before);
  });

  it('takes the user name by default', async () => {
    await seed('healthz_down:admin');
    const run = runCli(['incidents', 'ack', 'healthz_down:admin'], { env: { USER: 'oncall-jo' } });
    expect(run.stdout).toMatch(
      /^healthz_down:admin \(episode 1\) acknowledged by oncall-jo at \S+\ntold at the sweeper's next run \(within 5 min\): chatops acknowledged\n$/,
    );
  });

  it('leaves a resolved incident alone', async () => {
    const resolved = await seed('healthz_down:old', true);
    const run = runCli(['incidents', 'ack', 'healthz_down:old']);
    expect(run.stdout).toBe('healthz_down:old (episode 1) is not open: nothing to acknowledge\n');
    expect(await store.get('healthz_down:old')).toEqual(resolved);
  });

  it('refuses a missing incident, a silence item, no key and an empty --by with one line and exit 2', () => {
    expectUsageError(runCli(['incidents', 'ack', 'healthz_down:nowhere']), 'incidents', /no incident "healthz_down:nowhere"/);
    expectUsageError(runCli(['incidents', 'ack', silenceKey('sil_0000000001')]), 'incidents', /no incident|is not an incident/);
    expectUsageError(runCli(['incidents', 'ack']), 'incidents', /give one DEDUP_KEY/);
    expectUsageError(runCli(['incidents', 'ack', 'healthz_down:gateway', '--by', ' ']), 'incidents', /--by needs a name/);
  });
});
