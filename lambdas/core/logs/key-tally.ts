// The batch's quota_exceeded / key_revoked hits, tallied as scan.ts classifies each line: per kind and key
// the activity the key rules quote (count, first and last time, latest line, callers) and the per-minute
// counter increments, in one update per hit. A flood is mostly these hits: no list of them is kept and
// walked again, and a hit in the same minute as its key's previous one is one increment of a known count.
import { redactText } from '../redact.ts';
import type { KeyHit, KeyKind } from './classify.ts';
import type { CounterIncrement, CounterKind } from './ports.ts';
import { epochMinute, type KeyActivity } from './rules.ts';
import { preCut } from './traceback.ts';

const SAMPLE_CHARS = 500;

type ClientCount = { ip?: string; userAgent?: string; count: number };

interface Entry {
  kind: KeyKind;
  key: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
  latestText: string;
  clientCounts: Map<string, ClientCount>;
  /** The caller of the key's previous line: a flood repeats it, and then no map key is built. */
  lastClient?: ClientCount;
  /** Counter increments by minute, and the one of the key's previous line. */
  minutes: Map<number, CounterIncrement>;
  lastIncrement?: CounterIncrement;
}

export class KeyTally {
  /** By kind, then key: no id string built per line. */
  private readonly byKind: Record<KeyKind, Map<string, Entry>> = { quota_exceeded: new Map(), key_revoked: new Map() };
  /** Entries in first-seen order across kinds (the order of the activity map). */
  private readonly entries: Entry[] = [];
  /** Increments in first-seen order of (kind, key, minute). */
  readonly increments: CounterIncrement[] = [];
  quotaExceeded = 0;
  keyRevoked = 0;

  /** `counted`: the kinds whose counters are written (a disabled rule's hits are tallied but not counted). */
  constructor(private readonly counted: Record<CounterKind, boolean>) {}

  add(hit: KeyHit, timestamp: number, text: string): void {
    if (hit.kind === 'quota_exceeded') this.quotaExceeded++;
    else this.keyRevoked++;
    const byKey = this.byKind[hit.kind];
    let entry = byKey.get(hit.key);
    if (!entry) {
      entry = {
        kind: hit.kind,
        key: hit.key,
        count: 0,
        firstSeen: timestamp,
        lastSeen: timestamp,
        latestText: text,
        clientCounts: new Map(),
        minutes: new Map(),
      };
      byKey.set(hit.key, entry);
      this.entries.push(entry);
    }
    entry.count++;
    if (timestamp < entry.firstSeen) entry.firstSeen = timestamp;
    if (timestamp >= entry.lastSeen) {
      entry.lastSeen = timestamp;
      entry.latestText = text;
    }
    if (hit.client) {
      let client = entry.lastClient;
      if (!client || client.ip !== hit.client.ip || client.userAgent !== hit.client.userAgent) {
        const clientKey = `${hit.client.ip ?? ''}|${hit.client.userAgent ?? ''}`;
        client = entry.clientCounts.get(clientKey) ?? { ...hit.client, count: 0 };
        entry.clientCounts.set(clientKey, client);
        entry.lastClient = client;
      }
      client.count++;
    }
    if (this.counted[hit.kind]) this.count(entry, epochMinute(timestamp));
  }

  private count(entry: Entry, minute: number): void {
    let increment = entry.lastIncrement;
    if (increment?.minute !== minute) {
      increment = entry.minutes.get(minute);
      if (!increment) {
        increment = { kind: entry.kind, key: entry.key, minute, n: 0 };
        entry.minutes.set(minute, increment);
        this.increments.push(increment);
      }
      entry.lastIncrement = increment;
    }
    increment.n++;
  }

  /** This batch's activity per `${kind}#${key}` (first seen first), the latest line redacted and cut, the five busiest callers. */
  activity(logGroup: string): Map<string, KeyActivity> {
    const result = new Map<string, KeyActivity>();
    for (const entry of this.entries) {
      // Redact before cutting to the sample's length; preCut drops the token a bound cuts through.
      const redacted = redactText(preCut(entry.latestText, 2000));
      result.set(`${entry.kind}#${entry.key}`, {
        kind: entry.kind,
        key: entry.key,
        logGroup,
        count: entry.count,
        firstSeen: entry.firstSeen,
        lastSeen: entry.lastSeen,
        sample: redacted.length > SAMPLE_CHARS ? `${redacted.slice(0, SAMPLE_CHARS - 1)}…` : redacted,
        clients: [...entry.clientCounts.values()].sort((a, b) => b.count - a.count).slice(0, 5),
      });
    }
    return result;
  }
}
