// metis-alerts: the pipeline's rules and router policy, locally and in dry-run (docs/architecture.md, CLI).
// Exit 0 when the command ran (whatever fired), 2 on bad input or configuration, 1 on a bug.
import { parseArgs } from 'node:util';
import { UsageError } from './errors.ts';
import { isInputError, parseInstant, readText, resolveConfig, type Output } from './io.ts';
import { checkDatabase, formatEvaluation, formatNotEvaluated, readMeta } from './commands/check.ts';
import { runIncidentsCommand } from './commands/incidents.ts';
import { runPostmortemCommand } from './commands/postmortem.ts';
import { formatDeliveries, routeReplay } from './commands/route.ts';
import { parseReplayFile } from './commands/replay-input.ts';
import { scanLogsCommand } from './commands/scan-logs.ts';
import { runSilenceCommand } from './commands/silence.ts';
import { runProbeCommand } from './commands/probe.ts';
import { runRoutesCommand } from './commands/routes.ts';
import { runTestPageCommand } from './commands/test-page.ts';
import { writeFileSync } from 'node:fs';
import { errorMessage } from '../lambdas/core/errors.ts';

const USAGE = `usage: metis-alerts <command> [options]

commands:
  check --db FILE [--now ISO] [--config FILE] [--meta FILE] [--analytics-url URL] [--json]
                                                              every trace-DB rule on a SQLite file (plain or .gz)
  probe --url URL [--timeout-ms N] [--json]                   probe one endpoint once (NODE_EXTRA_CA_CERTS to trust a private CA)
  probe --url URL --shape openai-chat|anthropic-messages [--model M] [--timeout-ms N] [--json]
                                                              one one-token inbound-shape request (key: METIS_PROBE_AUTHORIZATION)
  route --signals FILE [--now ISO] [--config FILE] [--sweep-minutes N] [--wire FILE] [--json]
                                                              the router policy on signals or on JSON Lines of
                                                              evaluation reports / check / scan-logs outputs,
                                                              dry-run, with the sweeper's ticks between their
                                                              times (a backtest; resolves need healthy evidence);
                                                              --wire: every outbound request as JSON Lines
  routes --severity SEVn --at ISO [--rule R] [--config FILE] [--json]
                                                              who is notified for a severity at a time, and the escalation
  test-page [--severity SEVn] [--dry-run] [--wire FILE] [--config FILE] [--bus NAME] [--table NAME] [--json]
                                                              a TEST incident triggered then resolved on every sink
  silence add --rule R [--subject S] (--for 2h|90m|1d|1h30m | --until ISO) --reason TEXT [--now ISO] [--table NAME] [--json]
                                                              silence a rule (or one subject of it) in the deployed router
  silence list [--all] [--now ISO] [--table NAME] [--json]    active and pending silences (--all: ended ones too)
  silence expire ID [--now ISO] [--table NAME] [--json]       end a silence now
  incidents [--open] [--table NAME] [--json]                  incidents in the deployed incident table, oldest first
  incidents resolve DEDUP_KEY --reason TEXT [--bus NAME] [--table NAME] [--timeout-seconds N] [--json]
                                                              close an open incident by hand through the deployed router
  postmortem DEDUP_KEY [--db FILE] [--now ISO] [--table NAME] Markdown post-mortem draft (runbook template) for one incident
  scan-logs --file FILE [--now ISO] [--config FILE] [--json]  the log rules on a subscription event, a decoded
                                                              DATA_MESSAGE or plain log lines (windows end at --now,
                                                              else the newest event)

table commands: --table NAME or METIS_ALERTS_TABLE (the stack's IncidentTableName output), --bus NAME or METIS_ALERTS_BUS (its BusName output); AWS credentials/region from the usual AWS environment
exit status: 0 ran, 2 bad input or configuration`;

type Command = (args: string[], out: Output) => Promise<void>;

const COMMANDS: Record<string, Command> = {
  silence: runSilenceCommand,
  incidents: runIncidentsCommand,
  postmortem: runPostmortemCommand,
  'scan-logs': scanLogsCommand,
  check: async (args, out) => {
    const { values } = parseArgs({
      args,
      options: {
        db: { type: 'string' },
        now: { type: 'string' },
        config: { type: 'string' },
        meta: { type: 'string' },
        'analytics-url': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
    if (!values.db) throw new UsageError('check: --db FILE is required');
    const config = resolveConfig(values.config);
    const now = parseInstant(values.now, '--now') ?? new Date();
    const meta = values.meta ? readMeta(values.meta) : {};
    const evaluation = await checkDatabase(values.db, config, now, meta, values['analytics-url']);
    const { evaluated, healthy, signals, notEvaluated } = evaluation;
    // With source and evaluatedAt, each output is an evaluation report that `route --signals` replays.
    const json = { source: 'trace-db', evaluatedAt: now.toISOString(), evaluated, healthy, signals, notEvaluated };
    // A rule that could not judge is said on stderr whatever the format: a blind rule is never silent.
    out.stderr.write(formatNotEvaluated(notEvaluated));
    out.stdout.write(values.json ? `${JSON.stringify(json, null, 2)}\n` : formatEvaluation(evaluation));
  },
  route: async (args, out) => {
    const { values } = parseArgs({
      args,
      options: {
        signals: { type: 'string' },
        now: { type: 'string' },
        config: { type: 'string' },
        'sweep-minutes': { type: 'string' },
        wire: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
    if (!values.signals) throw new UsageError('route: --signals FILE is required');
    const config = resolveConfig(values.config);
    const now = parseInstant(values.now, '--now');
    const entries = parseReplayFile(readText(values.signals, 'the signals file'), values.signals);
    const sweepMinutes = values['sweep-minutes'] === undefined ? 5 : Number(values['sweep-minutes']);
    if (!Number.isInteger(sweepMinutes) || sweepMinutes < 0)
      throw new UsageError(`--sweep-minutes: expected a whole number of minutes (0 turns sweeps off), got "${values['sweep-minutes']}"`);
    const { deliveries, digests, wire } = await routeReplay(entries, config, { ...(now ? { now } : {}), sweepMinutes });
    if (values.wire) writeFileSync(values.wire, wire.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    out.stdout.write(values.json ? `${JSON.stringify({ deliveries, digests }, null, 2)}\n` : formatDeliveries(deliveries, digests));
  },
  probe: runProbeCommand,
  routes: runRoutesCommand,
  'test-page': runTestPageCommand,
};

export async function main(argv: string[], out: Output): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? out.stdout : out.stderr).write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    out.stderr.write(`metis-alerts: unknown command "${name}"\n${USAGE}\n`);
    return 2;
  }
  try {
    await command(rest, out);
    return 0;
  } catch (error) {
    if (isInputError(error) || isArgError(error)) {
      out.stderr.write(`metis-alerts ${name}: ${oneLine(errorMessage(error))}\n`);
      return 2;
    }
    out.stderr.write(`metis-alerts ${name}: internal error: ${oneLine(String(error))}\n`);
    return 1;
  }
}

/** node:util parseArgs errors (unknown option, missing value) are bad input too. */
function isArgError(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

function oneLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
