#!/usr/bin/env node
// The `mcp-bridge` command: parses the arguments, picks the mode (forward, reverse, gateway, auth, inspect, chat)
// and runs it until a signal or the end of stdin stops it.
import module from 'node:module';
import type { Bridge } from '../modes/forward.js';
import type { ForwardConfig, GatewayStart, RawOptions, ReverseConfig } from '../config/index.js';
import type { GatewayConfig } from '../config/gateway.js';
import type { Logger } from '../shared/log.js';

// Node >= 22.1 keeps compiled code on disk (in os.tmpdir(), or $NODE_COMPILE_CACHE), so that later
// launches skip most compiling: about 90 ms of a 540 ms start. It must be on before the rest is
// loaded, hence the dynamic imports below. Node 20 has no such cache; this is then a no-op.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
/** The arguments after node and the script (what yargs' hideBin gives outside Electron). */
const args = process.argv.slice(2);
// Forward mode's server starts before winston and the HTTP stack load, so its own start overlaps theirs.
const { spawnEarly, settleEarly } = await import('./earlyLaunch.js');
spawnEarly(args);
const [{ plainFlags }, { buildConfig }, { durationWarnings }, { exposureWarning }, { BridgeError }, { createLogger }] = await Promise.all([
  import('./plainFlags.js'),
  import('../config/index.js'),
  import('../config/durations.js'),
  import('../config/security.js'),
  import('../shared/errors.js'),
  import('../shared/log.js'),
]);

/** Exit code for usage errors: unknown flags, missing command, invalid values. */
const USAGE_ERROR = 2;
/** How long shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 10_000;

function usageError(message: string): never {
  process.stderr.write(`mcp-bridge: ${message}\nRun mcp-bridge --help for usage.\n`);
  process.exit(USAGE_ERROR);
}

/** Forward mode: a server command that cannot be run is a usage error now, not a failure in every session. */
async function checkCommand(config: ForwardConfig): Promise<void> {
  const { commandProblem } = await import('../modes/forward.js');
  const problem = commandProblem(config.child);
  if (problem) usageError(problem);
}

/** Gateway mode: reads and validates the config file (its modules load in this mode only). */
async function readGatewayConfig(start: GatewayStart): Promise<GatewayConfig> {
  const { gatewayConfig } = await import('../config/gateway.js');
  return gatewayConfig(start, process.env);
}

/** What the `auth` command signs in to (or out of, with --logout). */
interface AuthCommand {
  logout: boolean;
  remote: ReverseConfig['remote'];
}

/** The remote `auth` signs in to: reverse mode's, or a remote server of a gateway's file (`--server`). */
async function authTarget(config: ReverseConfig | GatewayConfig, server: string | undefined): Promise<ReverseConfig['remote']> {
  if (config.mode === 'reverse') return config.remote;
  return (await import('../config/gateway.js')).signInTarget(config, server);
}

/** The options and command words of the command line: plain flags without yargs (cold start), anything else through yargs, whose complaints are usage errors. */
async function parseArgs(): Promise<{ raw: RawOptions; words: string[]; logout: boolean }> {
  const plain = plainFlags(args);
  if (plain) return { raw: plain, words: [], logout: false };
  const { declareOptions, toRawOptions } = await import('./flags.js');
  const argv = await declareOptions(args).fail((message, error) => usageError(message ?? error?.message ?? 'invalid arguments')).parseAsync();
  return { raw: toRawOptions(argv), words: argv._.map(String), logout: Boolean(argv.logout) };
}

/** The validated config, the `auth` command if given, and the warnings about implausible durations. */
async function readConfig(): Promise<{ config: ForwardConfig | ReverseConfig | GatewayConfig; authCommand: AuthCommand | undefined; warnings: string[] }> {
  const { raw, words, logout } = await parseArgs();
  if (words[0] === 'inspect') await runInspectCommand(args); // flags written before it
  if (words[0] === 'chat') await (await import('./chatCommand.js')).runChatCommand(args);
  const wantsAuth = words[0] === 'auth';
  if (words.length > (wantsAuth ? 1 : 0)) usageError(`unknown command "${words[wantsAuth ? 1 : 0]}"`);
  try {
    const flags = buildConfig(raw, process.env);
    const config = flags.mode === 'gateway' ? await readGatewayConfig(flags) : flags;
    if (config.mode === 'forward') await checkCommand(config);
    if (wantsAuth && config.mode === 'forward') usageError('auth needs the remote: mcp-bridge auth --url https://host/mcp, or mcp-bridge auth --config FILE --server NAME');
    const authCommand = wantsAuth ? { logout, remote: await authTarget(config as ReverseConfig | GatewayConfig, raw.server) } : undefined;
    const gatewayWarnings = config.mode === 'gateway' ? (await import('../config/gateway.js')).unservedSettingWarnings(config.file) : [];
    return { config, authCommand, warnings: [...durationWarnings(raw), ...gatewayWarnings] };
  } catch (error) {
    if (error instanceof BridgeError) usageError(error.message);
    throw error;
  }
}

function printBanner(bridge: Bridge, log: Logger): void {
  const clientConfig = { mcpServers: { 'mcp-bridge': { url: bridge.streamableHttpUrl } } };
  log.info(`listening on ${bridge.url}`);
  log.info(`Streamable HTTP: ${bridge.streamableHttpUrl}`);
  log.info(`legacy SSE: ${bridge.sseUrl}`);
  log.info(`client config: ${JSON.stringify(clientConfig)}`);
}

/** Stops `bridge` on SIGINT and SIGTERM within the deadline, then exits; returns the stop, for other reasons to stop. */
function handleSignals(bridge: { close(): Promise<void> }, log: Logger): (signal: NodeJS.Signals) => void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    bridge.close().then(
      () => process.exit(0),
      (error: Error) => {
        log.error('shutdown failed', { error: error.message });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return stop;
}

async function runReverse(config: ReverseConfig, log: Logger): Promise<void> {
  // Each mode loads its own modules, so forward mode never pays for the HTTP client and OAuth (cold start).
  const { startReverseBridge } = await import('../modes/reverse.js');
  const bridge = await startReverseBridge(config, log);
  handleSignals(bridge, log);
  // A desktop client that dies without closing our stdin leaves us reparented: leave too.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && void bridge.close(), 1000).unref();
  await bridge.closed;
  process.exit(0);
}

async function runForward(config: ForwardConfig, log: Logger): Promise<void> {
  let bridge: Bridge;
  try {
    const { startBridge } = await import('../modes/forward.js');
    bridge = await startBridge(config, log);
  } catch (error) {
    log.error('could not start', { error: (error as Error).message });
    process.exit(1);
  }
  settleEarly(config.child.killGraceMs);
  const stop = handleSignals(bridge, log);
  // A worker of --workers drains when its primary asks (SIGTERM to the primary) or is gone.
  bridge.onDrainRequested(() => stop('SIGTERM'));
  printBanner(bridge, log);
  const warning = exposureWarning(config.http.host, config.security);
  if (warning) log.warn(warning);
}

/** The primary of --workers N (forward or gateway mode): forks the workers, which serve; SIGTERM drains them all, then it exits. */
async function runWorkers(config: ForwardConfig | GatewayConfig, log: Logger): Promise<void> {
  const { WorkerPrimary } = await import('../cluster/primary.js');
  // Every worker signs with the same secret: the one given, or the one made for this run.
  const primary = new WorkerPrimary(config.cluster!.workers, { MCP_BRIDGE_CLUSTER_SECRET: config.cluster!.secret }, log);
  primary.start();
  handleSignals({ close: () => primary.drain() }, log);
}

async function runGateway(config: GatewayConfig, log: Logger): Promise<void> {
  const { startGateway } = await import('../modes/gateway.js');
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    gateway = await startGateway(config, log);
  } catch (error) {
    // Servers that offer the same name on the combined endpoint are an error of the file, found once their catalogues are read.
    if (error instanceof BridgeError && error.code === 'CONFIG_INVALID') usageError(`${config.file.path}: ${error.detail ?? error.message}`);
    log.error('could not start', { error: (error as Error).message });
    process.exit(1);
  }
  const running = gateway;
  const reload = (): void => void running.reload().catch((error: Error) => log.error('reload failed', { error: error.message }));
  process.on('SIGHUP', reload);
  const { watchConfigFile } = await import('../config/watch.js');
  const unwatch = watchConfigFile(config.file.path, reload, (error) => log.warn(`cannot watch ${config.file.path} (${error.message}); reload it with SIGHUP`));
  const stop = handleSignals({ close: () => (unwatch(), running.close()) }, log);
  // A worker of --workers drains when its primary asks (SIGTERM to the primary) or is gone.
  running.onDrainRequested(() => stop('SIGTERM'));
  log.info(`listening on ${gateway.url}, serving ${gateway.servers.length} servers from ${config.file.path}`);
  log.info(`combined (every server as one): ${gateway.combined.streamableHttpUrl} (legacy SSE: ${gateway.combined.sseUrl})`);
  for (const server of gateway.servers) log.info(`${server.name}: ${server.streamableHttpUrl} (${server.sseUrl ? `legacy SSE: ${server.sseUrl}` : 'pass-through, Streamable HTTP only'})`);
  if (config.file.disabled.length > 0) log.info(`disabled in the file: ${config.file.disabled.join(', ')}`);
  // Unlike --stdio, one server that cannot run must not keep the others from serving: said, and reported by /readyz.
  const { commandProblem } = await import('../modes/forward.js');
  for (const server of config.servers) {
    const problem = server.kind === 'stdio' ? commandProblem(server.served.child) : undefined;
    if (problem) log.warn(`${server.name}: ${problem}`);
  }
  const clientConfig = { mcpServers: Object.fromEntries(gateway.servers.map((server) => [server.name, { url: server.streamableHttpUrl }])) };
  log.info(`client config: ${JSON.stringify(clientConfig)}`);
  const warning = exposureWarning(config.http.host, config.security);
  if (warning) log.warn(warning);
}

/** `mcp-bridge inspect`: its own errors are one line each, usage errors included (exit 2). */
async function runInspectCommand(args: string[]): Promise<never> {
  const fail = (message: string): never => {
    process.stderr.write(`mcp-bridge inspect: ${message}\n`);
    process.exit(USAGE_ERROR);
  };
  const [{ inspectConfig }, { runInspect }, { declareOptions, givenFlags, toRawOptions }] = await Promise.all([import('../config/client.js'), import('../modes/inspect.js'), import('./flags.js')]);
  const argv = await declareOptions(args).fail((message, error) => fail(message ?? error?.message ?? 'invalid arguments')).parseAsync();
  let config: Awaited<ReturnType<typeof inspectConfig>>;
  try {
    config = inspectConfig(toRawOptions(argv), ((argv.words as unknown[] | undefined) ?? []).map(String), process.env, givenFlags(args));
  } catch (error) {
    return fail(error instanceof BridgeError ? error.detail ?? error.message : (error as Error).message);
  }
  // A person reads the terminal: the bridge's own log stays off unless --logLevel asks for it; sign-in prompts still show.
  const log = createLogger(config.quiet ? { level: 'none' } : config.log);
  const oauthLog = config.quiet ? createLogger({ level: 'warn', format: config.log.format }) : log;
  const run = runInspect(config.inspect, log, oauthLog);
  let interrupted = false;
  process.on('SIGINT', () => {
    // The first Ctrl-C cancels the request (notifications/cancelled) and closes; a second one leaves at once.
    if (interrupted) process.exit(130);
    interrupted = true;
    run.interrupt();
  });
  process.on('SIGTERM', () => run.interrupt());
  process.exit(await run.done);
}

async function main(): Promise<void> {
  if (args[0] === 'inspect') await runInspectCommand(args);
  if (args[0] === 'chat') await (await import('./chatCommand.js')).runChatCommand(args);
  const { config, authCommand, warnings } = await readConfig();
  const log = createLogger(config.log);
  for (const warning of warnings) log.warn(warning);
  // Only forward mode adopts the child spawned at launch (when it has one); it settles once started.
  if (config.mode !== 'forward' || authCommand || (config.cluster?.workers ?? 1) > 1) settleEarly();
  if (authCommand) {
    const { runAuthCommand } = await import('../modes/authCommand.js');
    process.exit((await runAuthCommand(authCommand.remote, log, authCommand)) ? 0 : 1);
  }
  // A bug in one request must not take every other session down with it.
  process.on('uncaughtException', (error) => log.error('uncaught exception', { error: error.stack ?? error.message }));
  process.on('unhandledRejection', (reason) => log.error('unhandled rejection', { error: String(reason) }));
  if (config.mode !== 'reverse' && (config.cluster?.workers ?? 1) > 1 && !(await import('../cluster/workerRegistry.js')).isWorker()) return runWorkers(config, log);
  await (config.mode === 'reverse' ? runReverse(config, log) : config.mode === 'gateway' ? runGateway(config, log) : runForward(config, log));
}

void main();
