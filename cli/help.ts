// The text of `metis-alerts --help` and `metis-alerts <command> --help`, generated from cli/spec.ts.
import { COMMAND_NAMES, type CommandSpec, EXIT_CODES, SPECS, specOf } from './spec.ts';

const INDENT = '  ';

/** `--db FILE`, `[--now ISO]`, `[--json]`. */
function flagUsage(name: string, flag: CommandSpec['flags'][string]): string {
  const text = flag.type === 'boolean' ? `--${name}` : `--${name} ${flag.value ?? 'VALUE'}`;
  return flag.required ? text : `[${text}]`;
}

export function usageLine(path: string, spec: CommandSpec): string {
  const parts = [`metis-alerts ${path}`];
  // A group with flags of its own runs without a subcommand (incidents); one without needs one (silence).
  if (spec.subcommands) parts.push(Object.keys(spec.flags).length ? `[${spec.subcommands.join('|')}]` : `<${spec.subcommands.join('|')}>`);
  if (spec.args) parts.push(spec.args);
  for (const [name, flag] of Object.entries(spec.flags)) parts.push(flagUsage(name, flag));
  return parts.join(' ');
}

function defaultOf(flag: CommandSpec['flags'][string]): string {
  if (flag.required) return 'required';
  if (flag.defaultText !== undefined) return `default: ${flag.defaultText}`;
  if (flag.default !== undefined) return `default: ${String(flag.default)}`;
  return 'default: none';
}

export function commandHelp(path: string): string {
  const spec = specOf(path);
  if (!spec) throw new Error(`no spec for "${path}"`);
  const lines = [`usage: ${usageLine(path, spec)}`, '', spec.summary, ''];
  if (spec.subcommands) {
    lines.push('subcommands:');
    for (const sub of spec.subcommands) lines.push(`${INDENT}${`${sub}`.padEnd(10)}${specOf(`${path} ${sub}`)?.summary ?? ''}`);
    lines.push(`${INDENT}(metis-alerts ${path} <subcommand> --help for its flags)`, '');
  }
  const flags = Object.entries(spec.flags);
  if (flags.length) {
    lines.push('flags:');
    const left = flags.map(([name, flag]) => (flag.type === 'boolean' ? `--${name}` : `--${name} ${flag.value ?? 'VALUE'}`));
    const width = Math.max(...left.map((text) => text.length)) + 2;
    for (const [index, [, flag]] of flags.entries()) lines.push(`${INDENT}${left[index]!.padEnd(width)}${flag.help} (${defaultOf(flag)})`);
    lines.push(`${INDENT}${'--help'.padEnd(width)}this help`, '');
  }
  if (spec.notes?.length) lines.push(...spec.notes, '');
  lines.push('exit status:', ...EXIT_CODES.map((code) => `${INDENT}${code}`), '');
  lines.push(spec.examples.length > 1 ? 'examples:' : 'example:', ...spec.examples.map((example) => `${INDENT}${example}`));
  return `${lines.join('\n')}\n`;
}

export function mainHelp(): string {
  const width = Math.max(...COMMAND_NAMES.map((name) => name.length)) + 2;
  const lines = [
    'usage: metis-alerts <command> [flags]',
    '',
    "the alerting pipeline's rules and router policy, locally and against the deployed stack",
    '',
    'commands:',
    ...COMMAND_NAMES.map((name) => `${INDENT}${name.padEnd(width)}${SPECS[name].summary}`),
    '',
    'metis-alerts <command> --help   flags (with defaults), exit status and an example',
    'metis-alerts --version          the version',
    '',
    'exit status:',
    ...EXIT_CODES.map((code) => `${INDENT}${code}`),
  ];
  return `${lines.join('\n')}\n`;
}
