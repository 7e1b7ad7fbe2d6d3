// `metis-alerts completion bash|zsh`: a completion script generated from cli/spec.ts. Static (no CLI call
// per TAB): commands, subcommands and flags; after a flag that takes a value, the shell's file completion.
import { COMMAND_NAMES, type CommandSpec, SPECS } from './spec.ts';
import { UsageError } from './errors.ts';

const FUNCTION = '_metis_alerts';

function flagWords(spec: CommandSpec): string {
  return [...Object.keys(spec.flags).map((name) => `--${name}`), '--help'].join(' ');
}

function bashScript(): string {
  const specs = SPECS as Record<string, CommandSpec>;
  const valueFlags = new Set<string>();
  for (const spec of Object.values(specs)) {
    for (const [name, flag] of Object.entries(spec.flags)) if (flag.type === 'string') valueFlags.add(`--${name}`);
  }
  const cases: string[] = [];
  for (const [path, spec] of Object.entries(specs)) {
    const words = spec.subcommands && !path.includes(' ') ? `${spec.subcommands.join(' ')} ${flagWords(spec)}` : flagWords(spec);
    cases.push(`    "${path}") words="${words}" ;;`);
  }
  return `# metis-alerts bash completion: source <(metis-alerts completion bash)
${FUNCTION}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path words=""
  if [ "$COMP_CWORD" -le 1 ]; then
    COMPREPLY=( $(compgen -W "${COMMAND_NAMES.join(' ')} --help --version" -- "$cur") )
    return
  fi
  case "$prev" in
    ${[...valueFlags].sort().join('|')}) COMPREPLY=(); return ;;
  esac
  path="\${COMP_WORDS[1]}"
  case "\${COMP_WORDS[1]} \${COMP_WORDS[2]}" in
${Object.keys(specs)
  .filter((path) => path.includes(' '))
  .map((path) => `    "${path}") [ "$COMP_CWORD" -gt 2 ] && path="${path}" ;;`)
  .join('\n')}
  esac
  case "$path" in
${cases.join('\n')}
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
complete -o default -F ${FUNCTION} metis-alerts
`;
}

function zshScript(): string {
  return `# metis-alerts zsh completion: source <(metis-alerts completion zsh)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashScript()}`;
}

export function completionScript(args: readonly string[]): string {
  const [shell, ...extra] = args;
  if (extra.length) throw new UsageError(`expected one shell, got ${args.length}`);
  if (shell === 'bash') return bashScript();
  if (shell === 'zsh') return zshScript();
  throw new UsageError(shell ? `unknown shell "${shell}" (expected bash or zsh)` : 'expected a shell: bash or zsh');
}
