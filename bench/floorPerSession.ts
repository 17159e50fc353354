#!/usr/bin/env node
/**
 * The floor relay (bench/floor.ts) with a child per session, as mcp-bridge's per-session mode has: an
 * `initialize` POST opens a session (its id in an `Mcp-Session-Id` response header) and spawns its child,
 * later POSTs are routed by that header, `DELETE` ends the child's stdin. One child is spawned at launch
 * and taken by the first session (mcp-bridge's --headStart). Everything else is as minimal as the floor:
 * answers are parsed and serialized again, no limits, checks or notifications to clients.
 * Usage: `node floorPerSession.js [port]` (default 0); prints `listening on http://127.0.0.1:PORT` on stderr.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import http from 'node:http';
import type { Readable, Writable } from 'node:stream';
import { onLines } from './floorLines.js';
import { serverArgv } from './gateway.js';

type Id = string | number;
interface Message { id?: Id; method?: string; [key: string]: unknown }
type Child = ChildProcessByStdio<Writable, Readable, null>;

/** A session's child and its requests in flight by their id: one client per child, so ids need no remapping. */
interface Session { child: Child; waiting: Map<Id, http.ServerResponse> }

const sessions = new Map<string, Session>();
const children = new Set<Child>();
let nextSession = 0;
let stopping = false;

function spawnChild(): Child {
  const child = spawn(serverArgv[0]!, serverArgv.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
  children.add(child);
  child.stdin.on('error', () => {}); // a child gone mid-write: its session's exit handler answers what waits
  child.once('exit', () => {
    children.delete(child);
    if (stopping && children.size === 0) process.exit(0);
  });
  return child;
}

// Spawned first, as mcp-bridge's head start: the first session's server starts while we start listening.
let headStart: Child | undefined = spawnChild();

/** Answers the request that a line from the session's child answers; anything else is skipped, as by the floor. */
function answer(session: Session, line: string): void {
  if (!line.trim()) return;
  const message = JSON.parse(line) as Message;
  const res = message.id !== undefined && !message.method ? session.waiting.get(message.id) : undefined;
  if (!res) return;
  session.waiting.delete(message.id!);
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(message));
}

/** A new session with its own child (the head start for the first one); its id goes out with the answer to `res`. */
function open(res: http.ServerResponse): Session {
  const child = headStart ?? spawnChild();
  headStart = undefined;
  const id = String(++nextSession);
  const session: Session = { child, waiting: new Map() };
  sessions.set(id, session);
  onLines(child.stdout, (line) => answer(session, line));
  child.once('exit', () => {
    sessions.delete(id);
    for (const waiting of session.waiting.values()) waiting.writeHead(502).end();
  });
  res.setHeader('mcp-session-id', id);
  return session;
}

function relay(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
  const message = JSON.parse(body) as Message;
  const session = message.method === 'initialize' ? open(res) : sessions.get(String(req.headers['mcp-session-id']));
  if (!session) return void res.writeHead(404).end();
  if (message.id !== undefined && message.method) {
    session.waiting.set(message.id, res);
  } else {
    res.writeHead(202).end(); // a notification or a client's response: passed on (or not), accepted
    if (!message.method) return;
  }
  session.child.stdin.write(JSON.stringify(message) + '\n');
}

const server = http.createServer((req, res) => {
  if (req.method === 'DELETE') {
    const id = String(req.headers['mcp-session-id']);
    sessions.get(id)?.child.stdin.end(); // the bench server exits when its stdin ends
    sessions.delete(id);
    return void res.writeHead(200).end();
  }
  // The standalone GET stream is not offered; the bench's clients accept a 405.
  if (req.method !== 'POST') return void res.writeHead(405).end();
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => relay(req, res, Buffer.concat(chunks).toString('utf8')));
});

/** Ends every child's stdin and exits once the last one has exited. */
const stop = (): void => {
  stopping = true;
  server.close();
  if (children.size === 0) process.exit(0);
  for (const child of children) child.stdin.end();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stderr.write(`listening on http://127.0.0.1:${port}\n`);
});
