// What the client modes (inspect, chat) connect to and how they answer the server: the target
// (a remote URL, a stdio command, or one server of a config file, resolved by config/) and the hooks.
import type {
  CreateMessageRequest,
  CreateMessageResult,
  ElicitRequest,
  ElicitResult,
  LoggingMessageNotification,
  Notification,
  Root,
} from '@modelcontextprotocol/sdk/types.js';
import type { ChildCommand } from '../upstream/child/options.js';
import type { RemoteOptions } from '../upstream/remote/options.js';

/**
 * The server a client mode talks to: a remote (Streamable HTTP, 2026-07-28 or legacy SSE, with its
 * headers and OAuth) or a stdio command. A config file's entry is resolved by config/ into one of these.
 */
export type ClientTarget =
  | { readonly kind: 'remote'; readonly remote: RemoteOptions; readonly label?: string }
  | { readonly kind: 'stdio'; readonly child: ChildCommand; readonly label?: string };

/** What a server-to-client request handler receives besides its params: aborted when the server cancels. */
export interface HookContext {
  readonly signal: AbortSignal;
}

/**
 * How a client answers the server and what it hears from it. A capability is declared only when its
 * hook is given (no `onSampling`: no `sampling` capability, and so on); every hook is optional.
 */
export interface ClientHooks {
  /** `elicitation/create` (form mode): ask the user. */
  onElicitation?(params: ElicitRequest['params'], context: HookContext): Promise<ElicitResult>;
  /** `sampling/createMessage`: produce (or refuse, by throwing) a model reply. */
  onSampling?(params: CreateMessageRequest['params'], context: HookContext): Promise<CreateMessageResult>;
  /** `roots/list`: the roots to offer. */
  roots?(): Root[] | Promise<Root[]>;
  /** `notifications/message`: a log line from the server. */
  onLog?(params: LoggingMessageNotification['params']): void;
  /** Any other notification (list_changed, resources/updated, …); progress goes to each request's own `onprogress`. */
  onNotification?(notification: Notification): void;
}

/** What `inspect` does once connected: describe the server, or one call, read or prompt. */
export type InspectAction =
  | { readonly kind: 'summary' }
  | { readonly kind: 'call'; readonly tool: string; readonly pairs: readonly string[]; readonly args?: Readonly<Record<string, unknown>> }
  | { readonly kind: 'read'; readonly uri: string }
  | { readonly kind: 'prompt'; readonly name: string; readonly pairs: readonly string[] };

/** `mcp-bridge inspect`: the target, what to do, and how to show it. */
export interface InspectOptions {
  readonly target: ClientTarget;
  readonly action: InspectAction;
  /** An interactive session instead of one action (`--shell`; default false). */
  readonly shell: boolean;
  /** JSON on stdout instead of text (`--json`; default false). */
  readonly json: boolean;
  /** Where images, audio and binary resources are saved (`--out`; default the current directory). */
  readonly outDir: string;
  /** Answer sampling requests by typing the reply (`--allowSampling`; default: shown, then refused). */
  readonly allowSampling: boolean;
  /** Give up on a request after this long without an answer or progress (`--requestTimeout`; 0: never). */
  readonly requestTimeoutMs: number;
}
