// How the remote clients classify and word an HTTP error answer, against a real local HTTP server:
// an HTML page never reaches the log line (one line: status and media type; the body only for debug),
// a 400 about the session is a lost session, and 499 means the call may have run.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { ensureOk, fetchRemote, failureForStatus } from '../../src/upstream/remote/failure.js';

let server: Server;
let base: string;
const page = '<!DOCTYPE html>\n<html>\n<head><title>404 Not Found</title></head>\n<body>\n<h1>Not Found</h1>\n<p>nothing here</p>\n</body>\n</html>\n';

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/html') return void res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    res.writeHead(400, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","id":null,\n"error":{"code":-32000,"message":"Bad Request: No valid session ID provided"}}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('an HTML error page is one line (status and media type); the page is kept only for the debug log', async () => {
  const failure = await ensureOk(await fetchRemote(new URL(`${base}/html`), { method: 'POST' }), false).then(() => assert.fail('not ok'), (error: unknown) => error as { message: string; kind: string; contentType: string; body: string });
  assert.equal(failure.message, 'HTTP 404: (text/html)');
  assert.equal(failure.kind, 'rejected');
  assert.equal(failure.contentType, 'text/html');
  assert.match(failure.body, /<h1>Not Found<\/h1>/);
});

test('a 400 that speaks of the session, to a request that named one, is a lost session; without a session it is a refusal', async () => {
  const failure = (await ensureOk(await fetchRemote(new URL(`${base}/mcp`), { method: 'POST' }), true).then(() => undefined, (error: unknown) => error)) as { kind: string; message: string };
  assert.equal(failure.kind, 'sessionLost');
  assert.doesNotMatch(failure.message, /\n/);
  assert.equal(failureForStatus(400, false, 'Bad Request: No valid session ID provided').kind, 'rejected');
  assert.equal(failureForStatus(400, true, 'Invalid params: text must be a string').kind, 'rejected');
});

test('499, a server closing the request as it shuts down, means the call may have run', () => {
  assert.equal(failureForStatus(499, true, '').kind, 'broken');
});
