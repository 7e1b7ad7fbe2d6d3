// The chaos judge's delivery accounting, kept apart so its tolerance is itself tested: a PagerDuty event may
// be accepted once more than the table recorded only for each send whose first "sent" record was in a write
// that failed (the product then cannot know the vendor took it and sends it again when its claim lapses).

/** Per key: the resolves PagerDuty accepted against the resolve deliveries recorded as sent. */
export function resolveMismatches(
  sent: Map<string, Set<string>>,
  unrecorded: Map<string, string[]>,
  acceptedResolves: Map<string, number>,
): string[] {
  const mismatches: string[] = [];
  for (const [key, ids] of sent) {
    const recorded = [...ids].filter((id) => id.endsWith(':pagerduty:resolve')).length;
    const accepted = acceptedResolves.get(key) ?? 0;
    const lost = resent(unrecorded, key, 'resolve');
    if (accepted < recorded || accepted > recorded + lost)
      mismatches.push(`${key}: ${accepted} accepted, ${recorded} recorded${lost ? ` (+${lost} unrecorded)` : ''}`);
  }
  return mismatches;
}

/** Repeated accepted triggers per key beyond those a failed record write explains. */
export function unexplainedDuplicates(duplicates: Map<string, string[]>, unrecorded: Map<string, string[]>): string[] {
  return [...duplicates].flatMap(([key, extra]) => extra.slice(resent(unrecorded, key, 'trigger')));
}

function resent(unrecorded: Map<string, string[]>, key: string, kind: 'resolve' | 'trigger'): number {
  return (unrecorded.get(key) ?? []).filter((id) => id.includes(`:pagerduty:${kind}`)).length;
}
