// Every command-line flag, declared once: its kind, default, help text and --help group. The yargs
// options, --help, the RawOptions type, the defaults the config sections fall back on and the duration
// table all follow from this list, and a test checks the README's flag tables against it.
import { logFormats, logLevels } from '../shared/logConfig.js';
import { protocolEras } from '../upstream/remote/options.js';
import { sessionModes } from '../upstream/child/options.js';

/**
 * What a flag holds, which also says how it is validated: `string`, `number` (whole numbers are checked
 * where they are used), `boolean`, `list` (repeatable strings), `bytes` (`4MiB`, a bare number is bytes)
 * and `duration` (`30m`, `90s`, `500ms`, a bare number in the flag's `bare` unit).
 */
export type FlagKind = 'string' | 'number' | 'boolean' | 'list' | 'bytes' | 'duration';

/** One flag. `default` is what an absent flag means; `defaultText` replaces it in --help where it is not one value. */
export interface FlagSpec {
  readonly kind: FlagKind;
  readonly group: FlagGroup;
  readonly describe: string;
  readonly default?: string | number | boolean;
  /** Shown as the default when the flag has none yargs should fill in (its absence means something of its own). */
  readonly defaultText?: string;
  readonly choices?: readonly string[];
  /** Durations: what a bare number means; kept as supergateway has it where a flag shares its name. */
  readonly bare?: 'ms' | 's';
  /** Durations: what the flag times, as the implausible-value warning names it. */
  readonly times?: string;
  /** Durations: a bare number giving less than this many ms is implausibly small (0 never warns). */
  readonly minMs?: number;
  /** Durations: a bare number giving more than this many ms is implausibly large. */
  readonly maxMs?: number;
}

/** The --help groups, in the order they are printed. */
export const flagGroups = {
  server: 'MCP server (upstream):',
  gateway: 'Gateway (every server of a config file, forward mode):',
  remote: 'Remote MCP server (reverse mode: offered on stdin/stdout):',
  oauth: 'OAuth for the remote (reverse mode):',
  http: 'HTTP (downstream):',
  limits: 'Sessions and limits:',
  children: 'Session modes (forward mode; see README "Session modes"):',
  modern: '2026-07-28 requests (forward mode):',
  security: 'Security (forward mode; /healthz and /readyz stay open):',
  client: 'Client (inspect):',
  cluster: 'Scale-out (forward and gateway modes; see README "Scale-out"):',
  chat: 'Chat with Claude (mcp-bridge chat):',
  log: 'Logging (always to stderr):',
} as const;

/** The name of a --help group. */
export type FlagGroup = keyof typeof flagGroups;

const SECOND = 1000;
const HOUR = 3_600_000;

/** The flags, in --help order within each group. */
export const flags = {
  stdio: { kind: 'string', group: 'server', describe: 'Command line of the stdio MCP server, split into argv without a shell' },
  shell: { kind: 'boolean', group: 'server', default: false, describe: 'Run --stdio through /bin/sh (pipes, globs, $VARS); with inspect: an interactive session instead' },
  env: { kind: 'list', group: 'server', describe: 'KEY=VALUE for the server\'s environment (repeatable)' },
  passEnv: { kind: 'list', group: 'server', describe: 'Name of a gateway environment variable to pass to the server (repeatable)' },
  cwd: { kind: 'string', group: 'server', describe: 'Working directory of the server (default: the gateway\'s)' },

  config: {
    kind: 'string', group: 'gateway', defaultText: '$MCP_BRIDGE_CONFIG',
    describe: 'Serve every server of this Claude Desktop / Cursor (mcpServers) or VS Code (servers) file, each under /servers/NAME/',
  },

  url: { kind: 'string', group: 'remote', describe: 'Remote server URL; 2026-07-28 if it answers server/discover, else Streamable HTTP, else legacy SSE (default: $MCP_SERVER_URL)' },
  sse: { kind: 'string', group: 'remote', describe: 'Remote legacy HTTP+SSE server URL' },
  streamableHttp: { kind: 'string', group: 'remote', describe: 'Remote Streamable HTTP server URL' },
  header: { kind: 'list', group: 'remote', describe: '"Name: value" header sent to the remote (repeatable; never logged)' },
  oauth2Bearer: { kind: 'string', group: 'remote', describe: 'Token sent as Authorization: Bearer (default: $MCP_API_KEY)' },
  reconnectAttempts: { kind: 'number', group: 'remote', default: 6, describe: 'Retries of an unreachable remote or a broken stream before giving up' },
  reconnectDelay: {
    kind: 'duration', group: 'remote', default: '500ms', bare: 'ms', times: 'the first retry delay', minMs: 50,
    describe: 'First retry delay, doubled each time with jitter (the server\'s SSE retry: wins)',
  },
  reconnectMaxDelay: { kind: 'duration', group: 'remote', default: '30s', bare: 'ms', times: 'the longest retry delay', minMs: 100, describe: 'Longest delay between retries' },
  protocolEra: {
    kind: 'string', group: 'remote', default: 'auto', choices: protocolEras,
    describe: 'Remote protocol era: auto (probe 2026-07-28 with server/discover, else sessions), modern (2026-07-28 only), legacy (initialize and sessions)',
  },

  oauth: { kind: 'boolean', group: 'oauth', default: true, describe: 'Sign in with OAuth 2.1 when the remote answers 401 (--no-oauth: never; off with a static Authorization)' },
  authDir: { kind: 'string', group: 'oauth', describe: 'Where tokens and client registrations live (default: $MCP_BRIDGE_AUTH_DIR, else ~/.config/mcp-bridge/auth or the platform\'s equivalent)' },
  clientId: { kind: 'string', group: 'oauth', describe: 'A pre-registered OAuth client id (instead of dynamic registration)' },
  clientSecret: { kind: 'string', group: 'oauth', describe: 'Its secret (default: $MCP_BRIDGE_CLIENT_SECRET, which stays out of the process list)' },
  clientInfoFile: { kind: 'string', group: 'oauth', describe: 'JSON file with a pre-registered client (client_id, client_secret, …)' },
  clientMetadataUrl: { kind: 'string', group: 'oauth', describe: 'A Client ID Metadata Document URL to use as client_id' },
  clientCredentials: { kind: 'boolean', group: 'oauth', default: false, describe: 'Use the client_credentials grant (machine clients; no browser)' },
  authorizationServer: { kind: 'string', group: 'oauth', describe: 'With --clientCredentials: the only authorization server trusted with the client secret (default: the one the remote names)' },
  scope: { kind: 'string', group: 'oauth', describe: 'Scopes to ask for when the server names none' },
  noBrowser: { kind: 'boolean', group: 'oauth', default: false, describe: 'Print the sign-in URL to stderr instead of opening a browser ($BROWSER if set, else the platform\'s opener)' },
  callbackPort: {
    kind: 'number', group: 'oauth', default: 33418,
    describe: 'Preferred port of the local sign-in callback on 127.0.0.1 (busy: another one, or with a fixed redirect URI a wait of up to 2 min for it)',
  },
  logout: {
    kind: 'boolean', group: 'oauth', default: false,
    describe: 'With the auth command: revoke the tokens for --url at the authorization server (when it offers revocation), then forget them and the client registration',
  },
  server: { kind: 'string', group: 'oauth', describe: 'With the auth command and --config: the remote server of the file to sign in to (or out of)' },

  port: { kind: 'number', group: 'http', default: 8000, describe: 'Port to listen on (0 picks a free one)' },
  host: { kind: 'string', group: 'http', default: '127.0.0.1', describe: 'Address to bind' },
  baseUrl: { kind: 'string', group: 'http', describe: 'Public URL prefix for the SSE endpoint event, when behind a reverse proxy' },
  ssePath: { kind: 'string', group: 'http', default: '/sse', describe: 'Legacy SSE stream path' },
  messagePath: { kind: 'string', group: 'http', default: '/message', describe: 'Legacy SSE message path' },
  streamableHttpPath: { kind: 'string', group: 'http', default: '/mcp', describe: 'Streamable HTTP path' },
  allowedHosts: { kind: 'list', group: 'http', describe: 'Host names accepted in the Host header (repeatable; default: loopback names when bound to loopback, else any)' },
  allowedOrigins: { kind: 'list', group: 'http', describe: 'Origins accepted in the Origin header besides pages on allowed hosts (repeatable)' },

  sessionTimeout: {
    kind: 'duration', group: 'limits', default: '30m', bare: 'ms', times: 'a session\'s idle time', minMs: SECOND,
    describe: 'Close a session after this long without client activity (30m, 90s)',
  },
  requestTimeout: {
    kind: 'duration', group: 'limits', default: '0', bare: 'ms', times: 'how long a request may go without an answer', minMs: SECOND,
    describe: 'Answer a request with an error and cancel it after this long without an answer or progress (0: never)',
  },
  keepalive: { kind: 'duration', group: 'limits', default: '15', bare: 's', times: 'the SSE keepalive interval', maxMs: HOUR, describe: 'SSE keepalive comment interval (0 disables)' },
  maxBodyBytes: { kind: 'bytes', group: 'limits', default: '4MiB', describe: 'Largest POST body accepted (413 beyond)' },
  maxLineBytes: {
    kind: 'bytes', group: 'limits', default: '64MiB',
    describe: 'Largest message accepted from a server (a stdout line, a remote\'s event or body) or, in reverse mode, a stdin line; beyond, dropped and answered with MESSAGE_TOO_LARGE',
  },
  killGrace: {
    kind: 'duration', group: 'limits', default: '3s', bare: 'ms', times: 'the time between SIGTERM and SIGKILL', minMs: 100,
    describe: 'Time between SIGTERM and SIGKILL when stopping a server',
  },
  eventStoreSize: { kind: 'number', group: 'limits', default: 1000, describe: 'Events kept per session for Last-Event-ID resumption (0 disables)' },
  jsonResponse: { kind: 'boolean', group: 'limits', default: false, describe: 'Answer Streamable HTTP POSTs with JSON instead of an SSE stream' },
  maxSessionBufferBytes: {
    kind: 'bytes', group: 'limits', default: '8MiB',
    describe: 'Bytes a session may let pile up toward a client that stopped reading, besides the one message it is taking in (disconnected beyond), or toward its server\'s stdin (messages refused beyond)',
  },

  sessionMode: {
    kind: 'string', group: 'children', default: 'per-session', choices: sessionModes,
    describe: 'per-session: a stdio child per client session; shared: children initialized once and shared by every session',
  },
  // No yargs default: --pool given in per-session mode is an error, so its absence must stay visible.
  pool: { kind: 'number', group: 'children', defaultText: '1', describe: 'With --sessionMode shared: how many children share the load, each request going to the least loaded' },
  prespawn: {
    kind: 'number', group: 'children', default: 0,
    describe: 'With --sessionMode per-session: children kept spawned ahead of time so a new session need not wait (within --maxSessions)',
  },
  headStart: {
    kind: 'boolean', group: 'children', default: true,
    describe: 'With --sessionMode per-session: spawn one child at launch for the first session (--no-headStart: none until a session opens)',
  },

  childIdleTimeout: {
    kind: 'duration', group: 'children', default: '60s', bare: 'ms', times: 'how long a quiet session keeps its server process', minMs: SECOND,
    describe: 'With --sessionMode per-session: stop the server process of a session with no open stream, nothing in flight and no subscriptions after this long; the session stays and its next request starts a process again (0: never)',
  },
  maxInFlight: {
    kind: 'number', group: 'children', default: 0,
    describe: 'Requests in flight at once in each server process; the rest wait in arrival order (0: no limit)',
  },
  maxQueued: {
    kind: 'number', group: 'children', default: 100,
    describe: 'With --maxInFlight: requests waiting per server process at most; one more is answered at once with SERVER_BUSY',
  },
  maxChildren: {
    kind: 'number', group: 'children', default: 0,
    describe: 'With --sessionMode per-session: server processes alive at most; the least recently used quiet sessions are stopped first, 503 TOO_MANY_CHILDREN when none is quiet (0: no bound)',
  },

  continuationTtl: {
    kind: 'duration', group: 'modern', default: '10m', bare: 's', times: 'how long a paused call waits for its retry', maxMs: 24 * HOUR,
    describe: 'How long a call paused on input_required waits for the client\'s retry before it is cancelled',
  },
  maxContinuations: { kind: 'number', group: 'modern', default: 1000, describe: 'Paused calls kept at once; the oldest is cancelled to make room' },

  apiKey: { kind: 'string', group: 'security', describe: 'Require this key as Authorization: Bearer KEY or X-API-Key: KEY (default: $MCP_API_KEY; visible in ps, prefer --apiKeyFile)' },
  apiKeyFile: { kind: 'string', group: 'security', describe: 'Read the required API key from this file (trimmed; must not be empty)' },
  cors: {
    kind: 'list', group: 'security',
    describe: 'Allow browser pages cross-origin: bare --cors for any origin, or --cors ORIGIN (repeatable); these origins also pass the Origin check (default: off)',
  },
  rateLimit: { kind: 'string', group: 'security', describe: 'Requests allowed per client IP, as N/s or N/m (429 beyond; default: no limit; with --redis counted across the cluster)' },
  maxSessions: { kind: 'number', group: 'security', default: 1000, describe: 'Live sessions allowed at once, both transports together (503 beyond; 0: no limit; with --redis counted across the cluster)' },

  json: { kind: 'boolean', group: 'client', default: false, describe: 'With inspect: print JSON (the summary, or the raw result) instead of text' },
  args: { kind: 'string', group: 'client', describe: 'With inspect call: the arguments as one JSON object (key=value words are added on top)' },
  out: { kind: 'string', group: 'client', defaultText: 'the current directory', describe: 'With inspect: where images, audio and binary resources are saved' },
  allowSampling: {
    kind: 'boolean', group: 'client', default: false,
    describe: 'With inspect: answer the server\'s sampling requests by typing the reply (default: shown, then refused)',
  },
  clusterSecret: {
    kind: 'string', group: 'cluster', defaultText: '$MCP_BRIDGE_CLUSTER_SECRET',
    describe: 'Secret shared by every replica of a cluster: session ids name their replica and are signed with it (at least 16 characters; visible in ps, prefer --clusterSecretFile)',
  },
  clusterSecretFile: { kind: 'string', group: 'cluster', describe: 'Read the cluster secret from this file (trimmed)' },
  advertiseUrl: { kind: 'string', group: 'cluster', describe: 'URL peers reach this replica at to forward its sessions\' requests (default: http://HOST:PORT)' },
  redis: { kind: 'string', group: 'cluster', describe: 'Redis URL of the replica registry (redis://host:6379); without it the replicas of --workers share theirs through the primary' },
  // No yargs default: any scale-out flag given outside forward mode is an error, so its absence must stay visible.
  workers: {
    kind: 'string', group: 'cluster', defaultText: '1',
    describe: 'Replicas on this machine sharing the port (auto: one per CPU); more than 1 makes a cluster, with a random secret unless one is given',
  },

  model: { kind: 'string', group: 'chat', defaultText: '$ANTHROPIC_MODEL, else claude-sonnet-4-5', describe: 'With chat: the Claude model to talk to' },
  system: { kind: 'string', group: 'chat', describe: 'With chat: the system prompt' },
  maxTokens: { kind: 'number', group: 'chat', default: 8192, describe: 'With chat: the most tokens Claude may write in one reply' },
  prompt: { kind: 'string', group: 'chat', describe: 'With chat: one turn with this message (and piped stdin after it), then exit' },
  yes: { kind: 'boolean', group: 'chat', default: false, describe: 'With chat: answer servers\' sampling requests with Claude without asking first' },

  logLevel: { kind: 'string', group: 'log', default: 'info', choices: logLevels, describe: 'Log level' },
  logFormat: { kind: 'string', group: 'log', default: 'pretty', choices: logFormats, describe: 'Log line format' },
} as const satisfies Record<string, FlagSpec>;

type Flags = typeof flags;

/** The name of a declared flag. */
export type FlagName = keyof Flags;

type ValueOf<K extends FlagKind> = K extends 'string' ? string
  : K extends 'number' ? number
  : K extends 'boolean' ? boolean
  : K extends 'list' ? string[]
  : string | number;

/** The options as the CLI read them, before validation: every declared flag (absent when not given), and the command after `--`. */
export type RawOptions = { [K in FlagName]?: ValueOf<Flags[K]['kind']> } & { command?: string[] };

type Defaulted = { [K in FlagName]: Flags[K] extends { default: unknown } ? K : never }[FlagName];

/** The default of every flag that has one, as declared above (what an absent flag means). */
export const defaults = Object.fromEntries(
  Object.entries(flags).filter(([, spec]) => 'default' in spec).map(([name, spec]) => [name, (spec as FlagSpec).default]),
) as { readonly [K in Defaulted]: Flags[K] extends { default: infer D } ? D : never };

/** The name of a duration flag. */
export type DurationFlagName = { [K in FlagName]: Flags[K]['kind'] extends 'duration' ? K : never }[FlagName];
