// Whether "nothing happened" in a window can be read as "fine": only while the snapshot is recent and
// the gateway is still writing events. Rules whose healthy state is an absence (no quota.alert, no spend
// in the last hour) name their subjects healthy only then, so a gateway that stopped writing resolves nothing.
import type { RuleContext } from './context.ts';
import { freshness } from './freshness.ts';
import { MS_PER_MINUTE, parseInstant } from './time.ts';

export function gatewayWriting(ctx: RuleContext): boolean {
  const maxAgeMs = ctx.rules.snapshot_stale.maxAgeMinutes * MS_PER_MINUTE;
  const takenAt = parseInstant(ctx.meta.takenAt);
  if (takenAt !== undefined && ctx.nowMs - takenAt > maxAgeMs) return false;
  const newest = freshness(ctx).newestEventMs;
  return newest !== null && ctx.nowMs - newest <= maxAgeMs;
}
