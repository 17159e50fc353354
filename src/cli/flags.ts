import yargs, { type Argv } from 'yargs';
import { defaults, type RawOptions } from '../config/index.js';
import { authDefaults } from '../config/oauth.js';
import { bareUnitNote } from '../config/durations.js';
import { childrenDefaults, sessionModes } from '../config/children.js';
import { protocolEras, remoteDefaults } from '../config/remote.js';
import { securityDefaults } from '../config/security.js';
import { statelessDefaults } from '../config/modern.js';
import { logFormats, logLevels } from '../shared/log.js';
import { bridgeVersion } from './version.js';

const repeatable = (value: unknown): string[] | undefined =>
  value === undefined ? undefined : ([] as unknown[]).concat(value).map(String);

/** Declares every flag with its default and help text; `--help` prints exactly this. */
export function declareOptions(argv: string[]): Argv {
  return yargs(argv)
    .scriptName('mcp-bridge')
    .usage('Serve a stdio MCP server over HTTP (legacy SSE and Streamable HTTP) on one port,\n' +
      'or offer a remote MCP server as a local stdio server.\n\n' +
      'Usage:\n  $0 --stdio "command args" [options]\n  $0 [options] -- command args\n  $0 --url https://host/mcp [options]\n  $0 auth --url https://host/mcp [--logout]')
    .parserConfiguration({ 'populate--': true, 'duplicate-arguments-array': true })
    .command('auth', 'Sign in to the remote given with --url now and exit (with --logout: revoke its tokens at the authorization server and forget them)')
    .group(['stdio', 'shell', 'env', 'passEnv', 'cwd'], 'MCP server (upstream):')
    .option('stdio', { type: 'string', describe: 'Command line of the stdio MCP server, split into argv without a shell' })
    .option('shell', { type: 'boolean', default: false, describe: 'Run --stdio through /bin/sh (pipes, globs, $VARS)' })
    .option('env', { type: 'string', coerce: repeatable, describe: 'KEY=VALUE for the server\'s environment (repeatable)' })
    .option('passEnv', { type: 'string', coerce: repeatable, describe: 'Name of a gateway environment variable to pass to the server (repeatable)' })
    .option('cwd', { type: 'string', describe: 'Working directory of the server (default: the gateway\'s)' })
    .group(['url', 'sse', 'streamableHttp', 'header', 'oauth2Bearer', 'reconnectAttempts', 'reconnectDelay', 'reconnectMaxDelay', 'protocolEra'], 'Remote MCP server (reverse mode: offered on stdin/stdout):')
    .option('url', { type: 'string', describe: 'Remote server URL; 2026-07-28 if it answers server/discover, else Streamable HTTP, else legacy SSE (default: $MCP_SERVER_URL)' })
    .option('sse', { type: 'string', describe: 'Remote legacy HTTP+SSE server URL' })
    .option('streamableHttp', { type: 'string', describe: 'Remote Streamable HTTP server URL' })
    .option('header', { type: 'string', coerce: repeatable, describe: '"Name: value" header sent to the remote (repeatable; never logged)' })
    .option('oauth2Bearer', { type: 'string', describe: 'Token sent as Authorization: Bearer (default: $MCP_API_KEY)' })
    .option('reconnectAttempts', { type: 'number', default: remoteDefaults.reconnectAttempts, describe: 'Retries of an unreachable remote or a broken stream before giving up' })
    .option('reconnectDelay', { type: 'string', default: remoteDefaults.reconnectDelay, describe: 'First retry delay, doubled each time with jitter (the server\'s SSE retry: wins)' + bareUnitNote('reconnectDelay') })
    .option('reconnectMaxDelay', { type: 'string', default: remoteDefaults.reconnectMaxDelay, describe: 'Longest delay between retries' + bareUnitNote('reconnectMaxDelay') })
    .option('protocolEra', {
      type: 'string',
      choices: protocolEras,
      default: 'auto',
      describe: 'Remote protocol era: auto (probe 2026-07-28 with server/discover, else sessions), modern (2026-07-28 only), legacy (initialize and sessions)',
    })
    .group(['oauth', 'authDir', 'clientId', 'clientSecret', 'clientInfoFile', 'clientMetadataUrl', 'clientCredentials', 'authorizationServer', 'scope', 'noBrowser', 'callbackPort', 'logout'], 'OAuth for the remote (reverse mode):')
    .option('oauth', { type: 'boolean', default: true, describe: 'Sign in with OAuth 2.1 when the remote answers 401 (--no-oauth: never; off with a static Authorization)' })
    .option('authDir', { type: 'string', describe: 'Where tokens and client registrations live (default: $MCP_BRIDGE_AUTH_DIR, else ~/.config/mcp-bridge/auth or the platform\'s equivalent)' })
    .option('clientId', { type: 'string', describe: 'A pre-registered OAuth client id (instead of dynamic registration)' })
    .option('clientSecret', { type: 'string', describe: 'Its secret (default: $MCP_BRIDGE_CLIENT_SECRET, which stays out of the process list)' })
    .option('clientInfoFile', { type: 'string', describe: 'JSON file with a pre-registered client (client_id, client_secret, …)' })
    .option('clientMetadataUrl', { type: 'string', describe: 'A Client ID Metadata Document URL to use as client_id' })
    .option('clientCredentials', { type: 'boolean', default: false, describe: 'Use the client_credentials grant (machine clients; no browser)' })
    .option('authorizationServer', { type: 'string', describe: 'With --clientCredentials: the only authorization server trusted with the client secret (default: the one the remote names)' })
    .option('scope', { type: 'string', describe: 'Scopes to ask for when the server names none' })
    .option('logout', { type: 'boolean', default: false, describe: 'With the auth command: revoke the tokens for --url at the authorization server (when it offers revocation), then forget them and the client registration' })
    .option('noBrowser', { type: 'boolean', default: false, describe: 'Print the sign-in URL to stderr instead of opening a browser ($BROWSER if set, else the platform\'s opener)' })
    .option('callbackPort', { type: 'number', default: authDefaults.callbackPort, describe: 'Preferred port of the local sign-in callback on 127.0.0.1 (busy: another one, or with a fixed redirect URI a wait of up to 2 min for it)' })
    .group(['port', 'host', 'baseUrl', 'ssePath', 'messagePath', 'streamableHttpPath', 'allowedHosts', 'allowedOrigins'], 'HTTP (downstream):')
    .option('port', { type: 'number', default: defaults.port, describe: 'Port to listen on (0 picks a free one)' })
    .option('host', { type: 'string', default: defaults.host, describe: 'Address to bind' })
    .option('baseUrl', { type: 'string', describe: 'Public URL prefix for the SSE endpoint event, when behind a reverse proxy' })
    .option('ssePath', { type: 'string', default: defaults.ssePath, describe: 'Legacy SSE stream path' })
    .option('messagePath', { type: 'string', default: defaults.messagePath, describe: 'Legacy SSE message path' })
    .option('streamableHttpPath', { type: 'string', default: defaults.streamableHttpPath, describe: 'Streamable HTTP path' })
    .option('allowedHosts', { type: 'string', coerce: repeatable, describe: 'Host names accepted in the Host header (repeatable; default: loopback names when bound to loopback, else any)' })
    .option('allowedOrigins', { type: 'string', coerce: repeatable, describe: 'Origins accepted in the Origin header besides pages on allowed hosts (repeatable)' })
    .group(['sessionTimeout', 'requestTimeout', 'keepalive', 'maxBodyBytes', 'maxLineBytes', 'killGrace', 'eventStoreSize', 'jsonResponse'], 'Sessions and limits:')
    .option('sessionTimeout', { type: 'string', default: defaults.sessionTimeout, describe: 'Close a session after this long without client activity (30m, 90s)' + bareUnitNote('sessionTimeout') })
    .option('requestTimeout', { type: 'string', default: defaults.requestTimeout, describe: 'Answer a request with an error and cancel it after this long without an answer or progress (0: never)' + bareUnitNote('requestTimeout') })
    .option('keepalive', { type: 'string', default: defaults.keepalive, describe: 'SSE keepalive comment interval (0 disables)' + bareUnitNote('keepalive') })
    .option('maxBodyBytes', { type: 'string', default: defaults.maxBodyBytes, describe: 'Largest POST body accepted (413 beyond)' })
    .option('maxLineBytes', { type: 'string', default: defaults.maxLineBytes, describe: 'Largest line accepted from the server\'s stdout (dropped beyond)' })
    .option('killGrace', { type: 'string', default: defaults.killGrace, describe: 'Time between SIGTERM and SIGKILL when stopping a server' + bareUnitNote('killGrace') })
    .option('eventStoreSize', { type: 'number', default: defaults.eventStoreSize, describe: 'Events kept per session for Last-Event-ID resumption (0 disables)' })
    .option('jsonResponse', { type: 'boolean', default: false, describe: 'Answer Streamable HTTP POSTs with JSON instead of an SSE stream' })
    .group(['maxSessionBufferBytes'], 'Sessions and limits:')
    .option('maxSessionBufferBytes', { type: 'string', default: defaults.maxSessionBufferBytes, describe: 'Bytes a session may queue toward its client (disconnected beyond) or toward its server\'s stdin (messages refused beyond)' })
    .group(['sessionMode', 'pool', 'prespawn', 'headStart'], 'Session modes (forward mode; see README "Session modes"):')
    .option('sessionMode', { type: 'string', choices: sessionModes, default: childrenDefaults.sessionMode, describe: 'per-session: a stdio child per client session; shared: children initialized once and shared by every session' })
    .option('pool', { type: 'number', describe: 'With --sessionMode shared: how many children share the load, each request going to the least loaded (default 1)' })
    .option('prespawn', { type: 'number', default: childrenDefaults.prespawn, describe: 'With --sessionMode per-session: children kept spawned ahead of time so a new session need not wait (within --maxSessions)' })
    .option('headStart', { type: 'boolean', default: childrenDefaults.headStart, describe: 'With --sessionMode per-session: spawn one child at launch for the first session (--no-headStart: none until a session opens)' })
    .group(['continuationTtl', 'maxContinuations'], '2026-07-28 requests (forward mode):')
    .option('continuationTtl', { type: 'string', default: statelessDefaults.continuationTtl, describe: 'How long a call paused on input_required waits for the client\'s retry before it is cancelled' + bareUnitNote('continuationTtl') })
    .option('maxContinuations', { type: 'number', default: statelessDefaults.maxContinuations, describe: 'Paused calls kept at once; the oldest is cancelled to make room' })
    .group(['apiKey', 'apiKeyFile', 'cors', 'rateLimit', 'maxSessions'], 'Security (forward mode; /healthz and /readyz stay open):')
    .option('apiKey', { type: 'string', describe: 'Require this key as Authorization: Bearer KEY or X-API-Key: KEY (default: $MCP_API_KEY; visible in ps, prefer --apiKeyFile)' })
    .option('apiKeyFile', { type: 'string', describe: 'Read the required API key from this file (trimmed; must not be empty)' })
    .option('cors', { type: 'string', coerce: repeatable, describe: 'Allow browser pages cross-origin: bare --cors for any origin, or --cors ORIGIN (repeatable); these origins also pass the Origin check (default: off)' })
    .option('rateLimit', { type: 'string', describe: 'Requests allowed per client IP, as N/s or N/m (429 beyond; default: no limit)' })
    .option('maxSessions', { type: 'number', default: securityDefaults.maxSessions, describe: 'Live sessions allowed at once, both transports together (503 beyond; 0: no limit)' })
    .group(['logLevel', 'logFormat'], 'Logging (always to stderr):')
    .option('logLevel', { type: 'string', choices: logLevels, default: defaults.logLevel, describe: 'Log level' })
    .option('logFormat', { type: 'string', choices: logFormats, default: defaults.logFormat, describe: 'Log line format' })
    .strict()
    .help()
    .alias('h', 'help')
    // yargs would look for a package.json above the working directory (or node_modules): someone else's.
    .version(bridgeVersion())
    .wrap(Math.min(110, process.stdout.columns || 110));
}

/** Converts yargs' parsed argv into the raw options config.ts validates. */
export function toRawOptions(argv: Record<string, unknown>): RawOptions {
  const command = (argv['--'] as unknown[] | undefined)?.map(String);
  return { ...(argv as RawOptions), command: command?.length ? command : undefined };
}
