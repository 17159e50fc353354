/**
 * Debian's redis-server and nginx for the scale-out tests: each started on a free loopback port with
 * its own temporary folder and config, polled until it answers, and stopped by pid (never by name:
 * other people's may run on the same machine).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, isAlive } from './processes.js';
import { waitFor } from './wait.js';

/** A server process a test started: its pid, and how to stop it (waits for its exit). */
export interface Started {
  readonly pid: number;
  readonly port: number;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** True once something accepts connections on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

function stopper(proc: ChildProcess, cleanup: () => void): (signal?: NodeJS.Signals) => Promise<void> {
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return async (signal = 'SIGTERM') => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    const timer = setTimeout(() => isAlive(proc.pid!) && proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    cleanup();
  };
}

async function started(proc: ChildProcess, port: number, what: string, output: () => string, cleanup: () => void): Promise<Started> {
  const stop = stopper(proc, cleanup);
  try {
    await waitFor(async () => proc.exitCode !== null || (await accepts(port)), { what });
    if (proc.exitCode !== null) throw new Error(`${what} exited with ${proc.exitCode}: ${output()}`);
  } catch (error) {
    await stop('SIGKILL');
    throw error;
  }
  return { pid: proc.pid!, port, stop };
}

/** Starts redis-server on `port` (default: a free one), with no persistence, in a temporary folder. */
export async function startRedis(port?: number): Promise<Started> {
  const chosen = port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-redis-'));
  const proc = spawn('redis-server', ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return started(proc, chosen, 'redis-server to listen', () => output, () => rmSync(dir, { recursive: true, force: true }));
}

/** The nginx site for MCP in front of `upstreams` (ports on 127.0.0.1): round-robin, no buffering, HTTP/1.1 keep-alive, long read timeouts. */
export function nginxConfig(dir: string, port: number, upstreams: readonly number[]): string {
  return `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 8192; }
worker_rlimit_nofile 16384;
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream mcp_bridge {
${upstreams.map((upstream) => `    server 127.0.0.1:${upstream} max_fails=1 fail_timeout=10s;`).join('\n')}
    keepalive 32;
    keepalive_timeout 4s;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://mcp_bridge;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_cache off;
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
      proxy_next_upstream error timeout;
    }
  }
}
`;
}

/** Starts nginx in the foreground with its own prefix folder, round-robin over the replicas on `upstreams`. */
export async function startNginx(upstreams: readonly number[]): Promise<Started & { url: string }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-nginx-'));
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, port, upstreams));
  const proc = spawn('/usr/sbin/nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const running = await started(proc, port, 'nginx to listen', () => output, () => rmSync(dir, { recursive: true, force: true }));
  // SIGTERM is nginx's fast shutdown: a graceful one (SIGQUIT) would wait for the open SSE streams.
  return { ...running, url: `http://127.0.0.1:${port}` };
}
