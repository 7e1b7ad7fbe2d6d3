// key_compromise_suspected (SEV1, the runbook's "Gateway key compromise: SEV1 until scope confirmed"):
// a key spending >= key_spend_spike's factor (10) x its 7-day hourly normal and >= its minUsd (the same
// computation, shared), AND either calling models it did not call in those 7 days or known to have no
// `daily_cap_usd`. A CI burst on the key's usual models stays a SEV3 key_spend_spike. Details carry the
// runbook's 24 h scope rows and the revoke / re-issue commands, naming the key id only (never a token).
import { keyDailyCaps, type CapEvidence } from './key-caps.ts';
import { keyModelsUsed } from './key-history.ts';
import { last24hByModel, spendSpikes, type SpendSpike } from './key-spend-spike.ts';
import { makeSignal, round, RUNBOOK, usd, windowDetails, type RuleContext, type RuleOutcome, type TraceDbRule } from './context.ts';
import { MS_PER_HOUR } from './time.ts';
import { gatewayWriting } from './data-freshness.ts';
import { canonicalModelIds } from './canonical-model.ts';

export const KEY_COMPROMISE = 'key_compromise_suspected';

const BASELINE_HOURS = 7 * 24;

/** The runbook's scope query for one key, as on-call would paste it into sqlite3. */
export function scopeQuery(key: string): string {
  return (
    "SELECT json_extract(payload,'$.model') AS model, COUNT(*) AS calls, ROUND(SUM(json_extract(payload,'$.usage.cost_usd')),4) AS cost " +
    `FROM events WHERE type='llm.call_completed' AND json_extract(payload,'$.gateway_key_id')='${key.replace(/'/g, "''")}' ` +
    "AND julianday(timestamp) > julianday('now','-24 hours') GROUP BY model;"
  );
}

/** Caps for the re-issued key: the known cap, else twice the key's normal daily spend (at least $1), a month of it. */
export function suggestedCaps(spike: SpendSpike, cap: CapEvidence): { dailyCapUsd: number; monthlyCapUsd: number; basis: string } {
  if (cap.kind === 'capped') {
    return { dailyCapUsd: cap.dailyCapUsd, monthlyCapUsd: round(cap.dailyCapUsd * 30, 2), basis: 'the key’s current daily cap' };
  }
  // Rounded to 6 places first: 0.1 x 48 is 4.800000000000001 in binary and must not become 4.81.
  const daily = Math.max(1, Math.ceil(round(spike.meanHourly * 24 * 2 * 100, 6)) / 100);
  return {
    dailyCapUsd: daily,
    monthlyCapUsd: round(daily * 30, 2),
    basis: 'twice its 7-day normal daily spend, at least $1: adjust to the client',
  };
}

/** The revoke and re-issue commands; `allowModels` are canonical ids (`anthropic:claude-haiku-4-5`), as issue-key takes them. */
export function commandsFor(key: string, allowModels: readonly string[], caps: { dailyCapUsd: number; monthlyCapUsd: number }) {
  const allow = allowModels.length ? allowModels.map((m) => ` --allow-model ${m}`).join('') : ' --allow-model <provider:model>';
  return {
    revoke: `metis gateway revoke-key ${key}`,
    reissue:
      `metis gateway issue-key --name "<client>-v2" --workspace <workspace>${allow} ` +
      `--daily-cap-usd ${caps.dailyCapUsd.toFixed(2)} --monthly-cap-usd ${caps.monthlyCapUsd.toFixed(2)}`,
  };
}

export const keyCompromise: TraceDbRule = {
  id: KEY_COMPROMISE,
  evaluate(ctx: RuleContext): RuleOutcome | undefined {
    const cfg = ctx.rules.key_compromise_suspected;
    if (!cfg.enabled) return undefined;
    const spikes = spendSpikes(ctx);
    if (spikes === null) return { signals: [] };
    if (spikes === undefined) return undefined;
    const { firing, hourAgo, baselineHours, coveredFrom } = spikes;
    // Evidence for a resolve: every key measured in the last hour that is not a suspect, and keys with
    // no call at all while the gateway still writes (a quiet key is not being exploited).
    const healthyBut = (suspects: readonly string[]) => [
      ...spikes.ranked.map((k) => k.key).filter((key) => !suspects.includes(key)),
      ...(gatewayWriting(ctx) ? spikes.idleKeys : []),
    ];
    if (firing.length === 0) return { signals: [], healthy: healthyBut([]) };

    const keys = firing.map((k) => k.key);
    const baseFrom = hourAgo - BASELINE_HOURS * MS_PER_HOUR;
    const usual = keyModelsUsed(ctx, keys, baseFrom, hourAgo);
    // (hourAgo, now]: the end bound is exclusive, so one millisecond past now.
    const recent = keyModelsUsed(ctx, keys, hourAgo, ctx.nowMs + 1);
    const caps = keyDailyCaps(ctx, baseFrom);

    const suspects = firing
      .map((spike) => {
        const usualModels = [...(usual.get(spike.key) ?? [])].sort();
        const newModels = [...(recent.get(spike.key) ?? [])].filter((m) => !usualModels.includes(m)).sort();
        const cap = caps.get(spike.key) ?? { kind: 'unknown' as const };
        return { spike, usualModels, newModels, cap };
      })
      .filter((s) => s.newModels.length > 0 || s.cap.kind === 'uncapped');
    if (suspects.length === 0) return { signals: [], healthy: healthyBut([]) };

    const scope = last24hByModel(
      ctx,
      suspects.map((s) => s.spike.key),
    );
    const signals = suspects.map(({ spike, usualModels, newModels, cap }) => {
      const ratio =
        spike.meanHourly > 0
          ? `${(spike.cost1h / spike.meanHourly).toFixed(0)}x its hourly normal of ${usd(spike.meanHourly)}`
          : 'with no spend in the preceding 7 days';
      const why = [
        newModels.length
          ? `calling model${newModels.length > 1 ? 's' : ''} it never used in ${Math.round(baselineHours)} h: ${newModels.join(', ')}`
          : '',
        cap.kind === 'uncapped' ? 'no daily_cap_usd behind it' : '',
      ]
        .filter(Boolean)
        .join('; ');
      const capsFor = suggestedCaps(spike, cap);
      const commands = commandsFor(spike.key, canonicalModelIds(ctx, spike.key, usualModels), capsFor);
      return makeSignal(ctx.now, {
        rule: KEY_COMPROMISE,
        subject: spike.key,
        severity: 'SEV1',
        runbook: RUNBOOK.keyCompromise,
        summary:
          `Key ${spike.key} suspected compromised: ${usd(spike.cost1h)} in the last 60 min (${spike.calls1h} calls), ${ratio}, ${why}. ` +
          `SEV1 until scope confirmed. First move: scope it (24 h rows in details), then ${commands.revoke} and re-issue with --daily-cap-usd and --allow-model.`,
        details: {
          value: round(spike.cost1h, 4),
          threshold: round(Math.max(ctx.rules.key_spend_spike.minUsd, ctx.rules.key_spend_spike.factor * spike.meanHourly), 4),
          factor: ctx.rules.key_spend_spike.factor,
          window: windowDetails(ctx, hourAgo),
          calls1h: spike.calls1h,
          baselineMeanHourlyUsd: round(spike.meanHourly, 6),
          baselineHours: round(baselineHours, 2),
          baselineFrom: new Date(coveredFrom).toISOString(),
          newModels,
          usualModels,
          dailyCap: cap.kind === 'capped' ? { known: true, usd: cap.dailyCapUsd } : { known: cap.kind === 'uncapped', usd: null },
          // The runbook's scope query and its rows: calls and cost per model over the last 24 h.
          scopeQuery: scopeQuery(spike.key),
          scope24hByModel: scope.get(spike.key) ?? [],
          commands: { ...commands, capsBasis: capsFor.basis },
          afterRevoke:
            cap.kind === 'capped'
              ? 'hand the owner the re-issued key; rotate quarterly (metis gateway rotate-key)'
              : 'no daily cap was set: cross-check the scope rows against the provider bill and file a refund claim if its terms allow',
        },
      });
    });
    return { signals, healthy: healthyBut(suspects.map((s) => s.spike.key)) };
  },
};
