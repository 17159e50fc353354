// Lines typed (or piped) by the person at the terminal, taken in order by whoever asks next: the
// shell's command loop or a question of the server (an elicitation form, a sampling reply).
import { createInterface, type Completer, type Interface } from 'node:readline';
import type { MaybeTty } from './progress.js';

/** A readable stream that may be a terminal (process.stdin is). */
export type MaybeTtyInput = NodeJS.ReadableStream & { isTTY?: boolean };

/**
 * One readline interface over the input, with its own queue: lines that arrive while nobody asks
 * (piped input arrives all at once) wait for the next question instead of being lost. On a terminal,
 * readline gives editing, history (in memory) and tab completion with `completer`.
 */
export class LineSource {
  private readonly rl: Interface;
  private readonly queue: string[] = [];
  private waiter: ((line: string | undefined) => void) | undefined;
  private ended = false;
  /** True when the input is a terminal: prompts are drawn, and Ctrl-C comes as `oninterrupt`. */
  readonly interactive: boolean;
  /** Ctrl-C typed on the terminal (readline takes it from the process while it reads). */
  oninterrupt?: () => void;

  constructor(input: MaybeTtyInput, output: MaybeTty, completer?: Completer) {
    this.interactive = Boolean(input.isTTY);
    this.rl = createInterface({ input, output, terminal: this.interactive, ...(this.interactive && completer && { completer }), historySize: 500 });
    this.rl.on('line', (line) => this.push(line));
    this.rl.on('close', () => this.end());
    this.rl.on('SIGINT', () => (this.oninterrupt ? this.oninterrupt() : this.rl.close()));
  }

  /** The next line (the prompt drawn first on a terminal), or undefined once the input has ended. */
  next(prompt = ''): Promise<string | undefined> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.ended) return Promise.resolve(undefined);
    if (this.interactive) {
      this.rl.setPrompt(prompt);
      this.rl.prompt();
    }
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** Stops reading; a pending next() gets undefined. */
  close(): void {
    this.rl.close();
  }

  private push(line: string): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) waiter(line);
    else this.queue.push(line);
  }

  private end(): void {
    this.ended = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(undefined);
  }
}
