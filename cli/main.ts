// metis-alerts: the pipeline's rules and router policy, locally and in dry-run (docs/cli.md).
// Exit 0 when the command ran (whatever fired), 2 on bad input or configuration, 1 on a bug.
//
// This module loads only the flag specs and the help: each command's module (and with it zod, sql.js or
// the AWS SDK) is imported when that command runs, so `--help` and `--version` start as fast as node.
import { parseArgs } from 'node:util';
import pkg from '../package.json' with { type: 'json' };
import { errorMessage } from '../lambdas/core/errors.ts';
import { didYouMean } from './did-you-mean.ts';
import { UsageError } from './errors.ts';
import { commandHelp, mainHelp } from './help.ts';
import type { Output } from './io.ts';
import { COMMAND_NAMES, specOf } from './spec.ts';

type Command = (args: string[], out: Output) => Promise<void>;

const COMMANDS: Record<(typeof COMMAND_NAMES)[number], () => Promise<Command>> = {
  check: async () => (await import('./commands/check.ts')).checkCommand,
  'scan-logs': async () => (await import('./commands/scan-logs.ts')).scanLogsCommand,
  probe: async () => (await import('./commands/probe.ts')).runProbeCommand,
  route: async () => (await import('./commands/route.ts')).routeCommand,
  routes: async () => (await import('./commands/routes.ts')).runRoutesCommand,
  'test-page': async () => (await import('./commands/test-page.ts')).runTestPageCommand,
  silence: async () => (await import('./commands/silence.ts')).runSilenceCommand,
  incidents: async () => (await import('./commands/incidents.ts')).runIncidentsCommand,
  postmortem: async () => (await import('./commands/postmortem.ts')).runPostmortemCommand,
  completion: async () => async (args, out) => {
    out.stdout.write((await import('./completion.ts')).completionScript(args));
  },
};

function isCommand(name: string): name is (typeof COMMAND_NAMES)[number] {
  return (COMMAND_NAMES as readonly string[]).includes(name);
}

export async function main(argv: string[], out: Output): Promise<number> {
  // The CLI promises one stderr line on failure; on Node 20 the AWS SDK would add its eight-line notice that
  // releases after January 2027 need Node 22 (docs/operations-notes.md). Set the variable to "false" to see it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    out.stdout.write(`metis-alerts ${pkg.version}\n`);
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const topic = rest.filter((arg) => !arg.startsWith('-')).join(' ');
    if (name && topic && specOf(topic)) {
      out.stdout.write(commandHelp(topic));
      return 0;
    }
    (name ? out.stdout : out.stderr).write(mainHelp());
    return name ? 0 : 2;
  }
  if (!isCommand(name)) {
    const hint = name.startsWith('-') ? '' : didYouMean(name, COMMAND_NAMES, (n) => `"${n}"`);
    out.stderr.write(`metis-alerts: unknown command "${name}"${hint}; metis-alerts --help lists the commands\n`);
    return 2;
  }
  try {
    const path = commandPath(name, rest);
    if (wantsHelp(rest)) {
      out.stdout.write(commandHelp(path));
      return 0;
    }
    checkFlags(path, path === name ? rest : rest.slice(1));
    const command = await COMMANDS[name]();
    await command(rest, out);
    return 0;
  } catch (error) {
    const { isInputError } = await import('./io.ts');
    if (isInputError(error) || isArgError(error)) {
      out.stderr.write(`metis-alerts ${name}: ${oneLine(errorMessage(error))}\n`);
      return 2;
    }
    out.stderr.write(`metis-alerts ${name}: internal error: ${oneLine(String(error))}\n`);
    return 1;
  }
}

/** `silence add` for `silence add ...`; a group without a subcommand is itself (incidents) or needs one (silence). */
function commandPath(name: string, rest: readonly string[]): string {
  const spec = specOf(name)!;
  if (!spec.subcommands) return name;
  const [sub] = rest;
  if (sub !== undefined && !sub.startsWith('-')) {
    if (spec.subcommands.includes(sub)) return `${name} ${sub}`;
    // A group takes no positional argument of its own: a word here is a misspelt subcommand.
    if (spec.args === undefined)
      throw new UsageError(
        `unknown subcommand "${sub}"${didYouMean(sub, spec.subcommands, (n) => `"${n}"`)} (expected ${spec.subcommands.join(', ')})`,
      );
  }
  if (Object.keys(spec.flags).length === 0 && !wantsHelp(rest))
    throw new UsageError(`expected a subcommand: ${spec.subcommands.join(', ')} (metis-alerts ${name} --help)`);
  return name;
}

function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/** An unknown flag, with the closest known one: the command's own parse would only say "Unknown option". */
function checkFlags(path: string, args: string[]): void {
  const spec = specOf(path)!;
  const known = Object.keys(spec.flags);
  const { tokens } = parseArgs({ args, options: spec.flags, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'option' && !known.includes(token.name)) {
      const hint = didYouMean(token.name, known, (n) => `--${n}`);
      throw new UsageError(`unknown flag ${token.rawName}${hint} (metis-alerts ${path} --help lists the flags)`);
    }
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
