// The status-page draft in the incident's chatops thread: the router's real policy and chatops sink over
// the in-memory store and SNS fake, from open through reminder, upgrade and resolve.
import { describe, expect, it } from 'vitest';
import { routeSignals, sweepIncidents, type DispatchDeps } from '../../../../lambdas/core/dispatch.ts';
import type { Signal } from '../../../../lambdas/core/signal.ts';
import { FakeIncidentStore, FakePublisher, TUE_10_00, notifiersOf, settings, signal } from '../support.ts';

const later = (minutes: number): Date => new Date(TUE_10_00.getTime() + minutes * 60_000);
const OPTIONS = { tracebackQuietMinutes: 30 };
const HOST = 'gw-prod-01.internal.example.net';

function world() {
  const store = new FakeIncidentStore();
  const sns = new FakePublisher();
  const deps = (now: Date): DispatchDeps => ({ store, notifiers: notifiersOf(undefined, sns), settings: settings(), now: () => now });
  /** Each chatops post as Slack shows it (Chatbot's description) and as e-mail shows it. */
  const posts = () =>
    sns.on('chatops').map((m) => ({
      slack: (JSON.parse(m.structured!.https!) as { content: { description: string } }).content.description,
      email: m.structured!.email!,
    }));
  return { store, sns, deps, posts };
}

const outage = (overrides: Partial<Signal> = {}): Signal =>
  signal({
    source: 'probe',
    rule: 'healthz_down',
    subject: HOST,
    severity: 'SEV1',
    summary: `GET https://${HOST}/healthz timed out twice`,
    observedAt: TUE_10_00.toISOString(),
    ...overrides,
  });

describe('chatops posts carry the status-page draft', () => {
  it('open, the 30-minute reminder and resolve of a SEV1 each carry the draft for that phase, without the host', async () => {
    const w = world();
    await routeSignals([outage()], w.deps(TUE_10_00));
    await sweepIncidents(later(30), OPTIONS, w.deps(later(30)));
    await routeSignals([outage({ status: 'resolved', observedAt: later(42).toISOString() })], w.deps(later(42)));
    // Nobody acknowledged by 10:15: the 10:30 sweep also posts "ack target missed", which has no draft.
    const missed = w.posts().filter((post) => post.slack.includes('Ack target missed'));
    expect(missed).toHaveLength(1);
    expect(missed[0]!.slack).not.toContain('*Status page update');
    const posts = w.posts().filter((post) => !post.slack.includes('Ack target missed'));
    expect(posts).toHaveLength(3);
    const [opened, reminder, resolved] = posts;
    expect(opened!.slack).toContain(
      '*Status page update (Investigating), ready to paste:*\n> *API unavailable*\n> We are investigating an issue: requests to the API are failing. Next update by 10:30 UTC.',
    );
    expect(reminder!.slack).toContain('> We are still investigating: requests to the API are failing. Next update by 11:00 UTC.');
    expect(resolved!.slack).toContain(
      '*Status page update (Resolved), ready to paste:*\n> *API unavailable*\n> This incident has been resolved. From 10:00 UTC to 10:42 UTC, requests to the API failed.',
    );
    // The post itself names the host for on-call; the draft block after it never does.
    for (const post of posts) {
      const draft = post.slack.slice(post.slack.indexOf('*Status page update'));
      expect(draft).not.toContain(HOST);
    }
  });

  it('the e-mail copy of the chatops post has the same draft without Slack marks', async () => {
    const w = world();
    await routeSignals([outage()], w.deps(TUE_10_00));
    expect(w.posts()[0]!.email).toContain(
      'Status page update (Investigating), ready to paste:\n    API unavailable\n    We are investigating an issue: requests to the API are failing.',
    );
  });

  it('an upgrade SEV2 -> SEV1 posts the draft again', async () => {
    const w = world();
    await routeSignals([outage({ severity: 'SEV2' })], w.deps(TUE_10_00));
    await routeSignals([outage({ observedAt: later(3).toISOString() })], w.deps(later(3)));
    const drafts = w.posts().map((p) => p.slack.includes('> We are investigating an issue: requests to the API are failing.'));
    expect(drafts).toEqual([true, true]);
  });

  it('a SEV3 post carries no draft', async () => {
    const w = world();
    await routeSignals([signal({ rule: 'latency_p95', severity: 'SEV3' })], w.deps(TUE_10_00));
    expect(w.posts()).toHaveLength(1);
    expect(w.posts()[0]!.slack).not.toContain('Status page');
    expect(w.posts()[0]!.email).not.toContain('Status page');
  });

  it('a SEV1 users cannot see says no update is needed instead of a draft', async () => {
    const w = world();
    await routeSignals([signal({ rule: 'bill_threshold', subject: 'daily', severity: 'SEV1' })], w.deps(TUE_10_00));
    const post = w.posts()[0]!.slack;
    expect(post).toContain('*Status page:* no update needed, users do not see this by itself');
    expect(post).not.toContain('ready to paste');
  });
});

describe('posts without a draft', () => {
  it("a suppressed symptom post carries none (its inhibitor's thread has the draft)", async () => {
    const store = new FakeIncidentStore();
    const sns = new FakePublisher();
    const deps = (now: Date): DispatchDeps => ({ store, notifiers: notifiersOf(undefined, sns), settings: settings(), now: () => now });
    await routeSignals([outage({ subject: 'gateway', dedupKey: 'healthz_down:gateway' })], deps(TUE_10_00));
    // A trace-DB SEV2 from the down gateway's traffic is a symptom under the default inhibition.
    await routeSignals([signal({ rule: 'model_error_rate', severity: 'SEV2', observedAt: later(1).toISOString() })], deps(later(1)));
    const posts = sns
      .on('chatops')
      .map((m) => (JSON.parse(m.structured!.https!) as { content: { title: string; description: string } }).content);
    expect(posts.map((p) => p.title)).toEqual(['SEV1 FIRING healthz_down: gateway', 'SEV2 SUPPRESSED model_error_rate: gpt-4o']);
    expect(posts[1]!.description).not.toContain('Status page');
  });
});
