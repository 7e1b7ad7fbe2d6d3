// The per-line findings of log-watch beyond the three counted rules: prompt_exposure (SEV1) and
// log_noise (SEV4). Collected while scan.ts walks the batch, turned into signals once per batch.
// Neither rule lists itself in `evaluated`: a batch without a finding says nothing about the rest of the
// logs. A prompt_exposure incident resolves in the sweeper after `quietMinutes` without a new line; a
// log_noise signal goes into the router's daily digest, never a page.
import type { Config } from '../config.ts';
import { redactText } from '../redact.ts';
import type { Signal } from '../signal.ts';
import type { LogEvent } from './decode.ts';
import type { LineVerdict } from './line-verdict.ts';
import type { ExposureKind } from './prompt-exposure.ts';
import { LOG_RUNBOOK, makeLogSignal } from './rules.ts';

export const PROMPT_EXPOSURE_RULE = 'prompt_exposure';
export const LOG_NOISE_RULE = 'log_noise';

type FindingRules = Partial<Pick<Config['rules'], 'prompt_exposure' | 'log_noise'>>;

export const PROMPT_EXPOSURE_FIRST_MOVE =
  'stop the leak first: turn off request/response body logging (or drop the log level) and redeploy; restrict read access to the log group, ' +
  'then expire or delete the affected streams and post the status-page notice (runbook severity table: exposure of customer prompts is SEV1)';

const MAX_STREAMS = 10;
const MAX_KEYS = 10;
const KEY_ID = /(?<![A-Za-z0-9_])gk_[A-Za-z0-9]{3,64}(?![A-Za-z0-9])/g;
/** How the summary names each kind of field that held customer content. */
const KIND_PHRASES: Record<ExposureKind, string> = {
  messages: 'request bodies with a messages array',
  prompt: 'prompt fields',
  completion: 'completion fields',
  content: 'logged response content',
  exception: 'exception messages',
  input_value: "pydantic validation errors' input_value",
};
const NONE: readonly ExposureKind[] = [];
const MAX_NOISE_SIGNALS = 20;
const NOISE_SAMPLE_CHARS = 300;

interface StreamTally {
  logStream: string;
  lines: number;
  firstSeen: number;
  lastSeen: number;
}

export class LogFindings {
  private readonly exposure = new Map<string, StreamTally>();
  private readonly kinds = new Set<ExposureKind>();
  private readonly keys = new Set<string>();
  private lastKinds: readonly ExposureKind[] = NONE;
  private readonly noise = new Map<string, { category: string; count: number; firstSeen: number; lastSeen: number; sample: string }>();
  private readonly exposureOn: boolean;
  private readonly noiseOn: boolean;

  constructor(
    private readonly logGroup: string,
    private readonly logStream: string,
    rules: FindingRules,
  ) {
    this.exposureOn = rules.prompt_exposure?.enabled ?? true;
    this.noiseOn = rules.log_noise?.enabled ?? true;
  }

  /** Whether prompt_exposure is on: line verdicts (line-verdict.ts) work out the exposure kinds only then. */
  get exposureEnabled(): boolean {
    return this.exposureOn;
  }

  /** Whether log_noise is on: line verdicts work out the noise finding only then. */
  get noiseEnabled(): boolean {
    return this.noiseOn;
  }

  /**
   * One application line's verdict (line-verdict.ts): its exposure kinds and noise finding, already
   * worked out (a line with exposure kinds has no noise finding: it is never quoted as a sample).
   */
  observe(event: LogEvent, line: Pick<LineVerdict, 'text' | 'exposure' | 'noise'>): void {
    if (line.exposure.length) {
      this.observeExposure(event, line.exposure, line.text);
      return;
    }
    const noise = line.noise;
    if (!this.noiseOn || !noise) return;
    const entry = this.noise.get(noise.subject);
    if (entry) {
      entry.count++;
      entry.firstSeen = Math.min(entry.firstSeen, event.timestamp);
      entry.lastSeen = Math.max(entry.lastSeen, event.timestamp);
    } else {
      const sample = redactText(line.text.slice(0, 2000));
      this.noise.set(noise.subject, {
        category: noise.category,
        count: 1,
        firstSeen: event.timestamp,
        lastSeen: event.timestamp,
        sample: sample.length > NOISE_SAMPLE_CHARS ? `${sample.slice(0, NOISE_SAMPLE_CHARS - 1)}…` : sample,
      });
    }
  }

  /** A line that carries customer content (`kinds`): counted and described, never kept. */
  observeExposure(event: LogEvent, kinds: readonly ExposureKind[], text: string): void {
    // Verdicts of repeated lines share their kinds array: a flood's repeated answer is added once.
    if (kinds !== this.lastKinds) {
      for (const k of kinds) this.kinds.add(k);
      this.lastKinds = kinds;
    }
    // Which gateway key's customer it was, when the line names the key id (never a token: gk_ ids only).
    for (const m of text.matchAll(KEY_ID)) {
      if (this.keys.size >= MAX_KEYS) break;
      this.keys.add(m[0]);
    }
    const tally = this.exposure.get(this.logStream) ?? {
      logStream: this.logStream,
      lines: 0,
      firstSeen: event.timestamp,
      lastSeen: event.timestamp,
    };
    tally.lines++;
    tally.firstSeen = Math.min(tally.firstSeen, event.timestamp);
    tally.lastSeen = Math.max(tally.lastSeen, event.timestamp);
    this.exposure.set(this.logStream, tally);
  }

  signals(now: Date): Signal[] {
    const out: Signal[] = [];
    const streams = [...this.exposure.values()].sort((a, b) => a.firstSeen - b.firstSeen);
    if (streams.length) {
      const lines = streams.reduce((sum, s) => sum + s.lines, 0);
      const first = Math.min(...streams.map((s) => s.firstSeen));
      const last = Math.max(...streams.map((s) => s.lastSeen));
      const kinds = [...this.kinds].sort();
      const what = kinds.map((k) => KIND_PHRASES[k]).join(', ');
      const keys = [...this.keys].sort();
      out.push(
        makeLogSignal(new Date(Math.min(last, now.getTime())), {
          rule: PROMPT_EXPOSURE_RULE,
          subject: this.logGroup,
          severity: 'SEV1',
          runbook: LOG_RUNBOOK.promptExposure,
          summary:
            `Customer prompt/completion content written to the logs: ${lines} line${lines === 1 ? '' : 's'} (${what}) in ${this.logGroup}, ` +
            `stream ${streams[0]!.logStream}, first at ${new Date(first).toISOString()}${keys.length ? `, key${keys.length === 1 ? '' : 's'} ${keys.join(', ')}` : ''} ` +
            `(content not quoted). First move: ${PROMPT_EXPOSURE_FIRST_MOVE}.`,
          details: {
            value: lines,
            threshold: 0,
            logGroup: this.logGroup,
            logStreams: streams.slice(0, MAX_STREAMS).map((s) => ({
              logStream: s.logStream,
              lines: s.lines,
              firstSeen: new Date(s.firstSeen).toISOString(),
              lastSeen: new Date(s.lastSeen).toISOString(),
            })),
            lineCount: lines,
            firstSeen: new Date(first).toISOString(),
            lastSeen: new Date(last).toISOString(),
            fieldKinds: kinds,
            keys,
            contentQuoted: false,
            firstMove: PROMPT_EXPOSURE_FIRST_MOVE,
          },
        }),
      );
    }
    const noisy = [...this.noise.entries()].sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0])).slice(0, MAX_NOISE_SIGNALS);
    for (const [subject, n] of noisy) {
      out.push(
        makeLogSignal(new Date(Math.min(n.lastSeen, now.getTime())), {
          rule: LOG_NOISE_RULE,
          subject,
          severity: 'SEV4',
          runbook: LOG_RUNBOOK.noise,
          summary: `Log noise (${n.category}) in ${this.logGroup}: ${subject}, ${n.count}x in this batch. Best effort: fix in the next sprint.`,
          details: {
            value: n.count,
            category: n.category,
            logGroup: this.logGroup,
            logStream: this.logStream,
            firstSeen: new Date(n.firstSeen).toISOString(),
            lastSeen: new Date(n.lastSeen).toISOString(),
            sample: n.sample,
          },
        }),
      );
    }
    return out;
  }
}
