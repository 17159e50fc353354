import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay, type BackoffOptions } from '../../src/upstream/remote/backoff.js';
import { failureForError, failureForStatus } from '../../src/upstream/remote/failure.js';

const options: BackoffOptions = { attempts: 6, initialDelayMs: 100, maxDelayMs: 1_000 };

test('backoff doubles from the initial delay, with jitter between half and all of it, and stays under the cap', () => {
  for (let attempt = 0; attempt < 10; attempt++) {
    const ceiling = Math.min(1_000, 100 * 2 ** attempt);
    for (let i = 0; i < 50; i++) {
      const delay = backoffDelay(attempt, options);
      assert.ok(delay >= ceiling / 2 && delay <= ceiling, `attempt ${attempt}: ${delay} outside ${ceiling / 2}..${ceiling}`);
    }
  }
});

test("a server's retry: hint sets the base and no wait is shorter than it", () => {
  for (let i = 0; i < 50; i++) assert.equal(backoffDelay(0, options, 500), 500);
  for (let i = 0; i < 50; i++) {
    const delay = backoffDelay(3, options, 500);
    assert.ok(delay >= 500 && delay <= 1_000, String(delay));
  }
});

test('HTTP statuses map to what the bridge does next', () => {
  assert.equal(failureForStatus(401, true, '').kind, 'unauthorized');
  assert.equal(failureForStatus(403, false, '').kind, 'unauthorized');
  assert.equal(failureForStatus(404, true, '').kind, 'sessionLost', 'a 404 on our session means the server forgot it');
  assert.equal(failureForStatus(404, false, '').kind, 'rejected', 'a 404 without a session is a wrong URL');
  for (const status of [429, 502, 503, 504]) assert.equal(failureForStatus(status, true, '').kind, 'unreachable');
  for (const status of [400, 405, 500]) assert.equal(failureForStatus(status, true, '').kind, 'rejected');
});

test('a refused connection can be retried; a connection that broke after sending may have run', () => {
  const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' } });
  const reset = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET', message: 'socket hang up' } });
  assert.equal(failureForError(refused).kind, 'unreachable');
  assert.equal(failureForError(reset).kind, 'broken');
});
