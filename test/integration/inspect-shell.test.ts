// `mcp-bridge inspect --shell` driven through piped stdin (commands, a call, an elicitation form
// answered at the prompt, sampling refused), and Ctrl-C during a call: notifications/cancelled reaches
// the server and inspect exits 130.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bridgeForSuite, startBridge } from '../helpers/bridge.js';
import { noProcessWith, runInspect, startInspect, testServerCommand } from '../helpers/inspect.js';
import { waitFor } from '../helpers/wait.js';

const stdioLine = testServerCommand().map((word) => JSON.stringify(word)).join(' ');

describe('inspect --shell', () => {
  const bridge = bridgeForSuite(['--stdio', stdioLine]);

  test('commands piped to the shell run on one connection: help, a typed call, an elicitation answered field by field, sampling refused, errors as one line', async () => {
    const input = [
      'help',
      'tools',
      'call add a=2 b=40',
      'call elicit message="your name?"',
      'Ada',
      'call sample prompt=hi',
      'call add a=x b=1',
      'bogus',
      'exit',
      'call add a=1 b=1',
    ].join('\n') + '\n';
    const { status, stdout, stderr } = await runInspect([`${bridge().url}/mcp`, '--shell'], { input });
    assert.equal(status, 0, stderr);
    assert.match(stdout, /^commands:\n {2}call TOOL key=value/m);
    assert.match(stdout, /^add {2}/m, 'tools lists the tools');
    assert.match(stdout, /^42$/m, 'the call typed a and b as numbers');
    assert.match(stderr, /the server asks: your name\?\n.*\nAnswer \* \(string\): \n/, 'the form is asked field by field');
    assert.match(stdout, /"action":"accept","content":\{"answer":"Ada"\}/, 'the answer reached the server');
    assert.match(stderr, /the server asks for a model reply \(sampling/);
    assert.match(stderr, /refused: run inspect with --allowSampling/);
    assert.match(stderr, /^error: Invalid arguments: a=x: expected number$/m);
    assert.match(stderr, /^unknown command "bogus"/m);
    assert.doesNotMatch(stdout, /^2$/m, 'nothing runs after exit');
  });

  test('with --allowSampling the typed line is the model reply', async () => {
    const { status, stdout } = await runInspect([`${bridge().url}/mcp`, '--shell', '--allowSampling'], { input: 'call sample prompt=hi\nhello from a person\n' });
    assert.equal(status, 0);
    assert.match(stdout, /hello from a person/);
  });

  test('a stdio server started for the shell is stopped when the input ends', async () => {
    const marker = 'inspect-shell-stdio';
    const { status, stdout } = await runInspect(['--shell', '--', ...testServerCommand(), marker], { input: 'call echo text=hi\n' });
    assert.equal(status, 0);
    assert.match(stdout, /hi/);
    await noProcessWith(marker);
  });

  test('Ctrl-C during a call sends notifications/cancelled to the server and exits 130 with one line', async () => {
    // Shared mode: inspect's DELETE after the cancel does not stop the server, which would race its log
    // line; the reason tells inspect's cancel from the one the bridge sends for a closed session.
    const shared = await startBridge(['--sessionMode', 'shared', '--stdio', stdioLine]);
    try {
      const run = startInspect(['--protocolEra', 'legacy', `${shared.url}/mcp`, 'call', 'slow', 'ms=30000', 'steps=100']);
      await waitFor(() => /slow progress 1\/100/.test(run.output().stderr), { what: 'the first progress line' }).catch((error: Error) => {
        throw new Error(`${error.message}; inspect said: ${run.output().stderr}`);
      });
      run.proc.kill('SIGINT');
      const { status, stderr } = await run.done;
      assert.equal(status, 130);
      assert.match(stderr, /^mcp-bridge inspect: cancelled$/m);
      await waitFor(() => /cancelled after notifications\/cancelled: interrupted/.test(shared.stderr()), { what: 'the server to hear of the cancellation' });
    } finally {
      assert.equal(await shared.stop(), 0);
      assert.deepEqual(shared.children(), []);
    }
  });
});
