// Tab completion of the inspect shell: command words, then tool, prompt and resource names, then a
// tool's or prompt's argument names (as `key=`). A pure function of the line and the server's names.

/** The names the shell completes, listed once when it starts. */
export interface CompletionNames {
  readonly tools: readonly string[];
  readonly prompts: readonly string[];
  readonly resources: readonly string[];
  /** Argument names by tool name. */
  readonly toolArguments: Readonly<Record<string, readonly string[]>>;
  /** Argument names by prompt name. */
  readonly promptArguments: Readonly<Record<string, readonly string[]>>;
}

/** The shell's commands, in the order `help` lists them. */
export const shellCommands = ['call', 'read', 'prompt', 'tools', 'prompts', 'resources', 'info', 'help', 'exit'] as const;

function matching(candidates: readonly string[], word: string): string[] {
  return candidates.filter((candidate) => candidate.startsWith(word));
}

/**
 * Completes the last word of `line` as readline's completer does: returns the candidates that start
 * with it and the word itself. Arguments already given (`key=…`) are not offered again.
 */
export function completeLine(line: string, names: CompletionNames): [string[], string] {
  const words = line.trimStart().split(/\s+/);
  const word = words[words.length - 1] ?? '';
  if (words.length <= 1) return [matching(shellCommands, word), word];
  const [command, name] = words as [string, string | undefined];
  if (words.length === 2) {
    const pool = command === 'call' ? names.tools : command === 'prompt' ? names.prompts : command === 'read' ? names.resources : [];
    return [matching(pool, word), word];
  }
  const argumentNames = command === 'call' ? names.toolArguments[name!] : command === 'prompt' ? names.promptArguments[name!] : undefined;
  if (!argumentNames || word.includes('=')) return [[], word];
  const given = new Set(words.slice(2, -1).map((given) => given.split('=')[0]));
  return [matching(argumentNames.filter((argument) => !given.has(argument)).map((argument) => `${argument}=`), word), word];
}
