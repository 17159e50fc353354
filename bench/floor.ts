#!/usr/bin/env node
/**
 * The benchmark's floor: the least a Streamable HTTP → stdio relay can do, to measure mcp-bridge
 * against. One shared child (the bench server), every POST answered with `application/json`, ids
 * remapped by a counter and restored. No sessions, limits, notifications to clients, or checks.
 * Usage: `node floor.js [port]` (default 0); prints `listening on http://127.0.0.1:PORT` on stderr.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { onLines } from './floorLines.js';
import { serverArgv } from './gateway.js';

type Id = string | number;
interface Message { id?: Id; method?: string; [key: string]: unknown }

// Spawned first, as mcp-bridge does: the server's own start overlaps our listening.
const child = spawn(serverArgv[0]!, serverArgv.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
/** Requests in flight by the id the child sees: who asked, and with which id. */
const waiting = new Map<number, { res: http.ServerResponse; id: Id }>();
let nextId = 0;

/** Answers the request that a line from the child answers, with the client's id restored; anything else is skipped. */
function answer(line: string): void {
  if (!line.trim()) return;
  const message = JSON.parse(line) as Message;
  const entry = typeof message.id === 'number' && !message.method ? waiting.get(message.id) : undefined;
  if (!entry) return; // notifications and server-to-client requests: skipped by the floor
  waiting.delete(message.id as number);
  message.id = entry.id;
  entry.res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(message));
}

onLines(child.stdout, answer);

child.once('exit', () => process.exit(0));

const server = http.createServer((req, res) => {
  // The standalone GET stream and DELETE are not offered; the bench's clients accept a 405.
  if (req.method !== 'POST') return void res.writeHead(405).end();
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Message;
    if (message.id !== undefined && message.method) {
      const id = ++nextId;
      waiting.set(id, { res, id: message.id });
      message.id = id;
    } else {
      res.writeHead(202).end(); // a notification or a client's response: passed on (or not), accepted
      if (!message.method) return;
    }
    child.stdin.write(JSON.stringify(message) + '\n');
  });
});

const stop = (): void => void child.stdin.end();
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stderr.write(`listening on http://127.0.0.1:${port}\n`);
});
