/**
 * Browser clients in a real browser (Debian's chromium, headless): a page on one loopback origin
 * runs the official SDK clients of every era against the gateway on another origin. With `--cors`
 * every era works (2026-07-28 with its Mcp-Method, Mcp-Name and Mcp-Param-* headers too), a key is
 * needed when set and its 401 is readable; without `--cors`, or from an origin not listed, the browser refuses.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Era, EraOutcome, FetchOutcome } from '../fixtures/browser-page.js';
import { PARAM_ARGS } from '../fixtures/browser-page.js';
import { HEADER_PARAMS_TOOL, headerParamsText } from '../fixtures/conformance-schemas.js';
import { startBridge, type RunningBridge } from '../helpers/bridge.js';
import { launchChromium, openTab, servePage, type BrowserTab, type PageServer, type RunningBrowser } from '../helpers/browserPage.js';
import { forwardedTotal, startNginxCluster, startReplicas } from '../helpers/cluster.js';
import { fixtureCommand, fixturePath } from '../helpers/paths.js';

const KEY = 'browser-key_0123456789';
const ERAS: readonly Era[] = ['session', 'modern', 'sse'];
const SIMPLE_TEXT = 'This is a simple text response for testing.';

/** Each era's URL on a bridge at `base`, under `prefix` (gateway mode: /servers/NAME). */
function urlOf(era: Era, base: string, prefix = ''): string {
  return `${base}${prefix}/${era === 'sse' ? 'sse' : 'mcp'}`;
}

function assertServed(era: Era, outcome: EraOutcome): void {
  assert.ok(outcome.ok, `${era}: ${JSON.stringify(outcome)}`);
  assert.ok(outcome.tools.includes('test_simple_text'), `${era}: ${outcome.tools.join(', ')}`);
  assert.equal(outcome.texts[0], SIMPLE_TEXT, era);
  if (era === 'modern') {
    assert.ok(outcome.tools.includes(HEADER_PARAMS_TOOL));
    assert.equal(outcome.texts[1], headerParamsText(PARAM_ARGS), 'the call with Mcp-Param-* headers is served');
  }
}

/**
 * The browser refused: the SDK client failed (how it says so varies: the 2026-07-28 one takes the
 * refusal for a server of an earlier era) and the page's plain fetch rejected, reading nothing.
 */
function assertRefused(era: Era, client: EraOutcome, fetched: FetchOutcome): void {
  assert.equal(client.ok, false, `${era}: ${JSON.stringify(client)}`);
  assert.equal(fetched.ok, false, `${era}: ${JSON.stringify(fetched)}`);
  if (!fetched.ok) assert.match(fetched.error, /TypeError: Failed to fetch/, era);
}

describe('browser clients on another origin, in headless chromium', { timeout: 150_000 }, () => {
  let browser: RunningBrowser;
  let page: PageServer;
  before(async () => {
    // First, so that the browser's processes are told apart from the bridges'.
    browser = await launchChromium();
    page = await servePage();
  });
  after(async () => {
    await page?.close();
    await browser?.close();
  });

  /** Starts a bridge with `args`, opens the page in a fresh context, runs `body`; then closes both and checks the bridge left no process. */
  async function withBridge(args: string[], body: (bridge: RunningBridge, tab: BrowserTab) => Promise<void>): Promise<void> {
    const bridge = await startBridge(args);
    let tab: BrowserTab | undefined;
    try {
      tab = await openTab(browser.browser, page.origin);
      await body(bridge, tab);
    } finally {
      await tab?.close();
      assert.equal(await bridge.stop(), 0);
      assert.deepEqual(bridge.children(), []);
    }
  }

  test('with --cors naming the page origin, every era lists and calls tools: session-era Streamable HTTP, 2026-07-28 (Mcp-Param-* headers too) and legacy SSE', async () => {
    await withBridge(['--cors', page.origin, '--stdio', fixtureCommand('conformance-server')], async (bridge, tab) => {
      for (const era of ERAS) assertServed(era, await tab.run(era, urlOf(era, bridge.url)));
      const opened = await tab.probe('session', urlOf('session', bridge.url));
      assert.ok(opened.ok && opened.status === 200 && opened.sessionId, `the page reads Mcp-Session-Id: ${JSON.stringify(opened)}`);
      // A header neither in the list nor Mcp-Param-* fails the preflight.
      const unlisted = await tab.probe('modern', urlOf('modern', bridge.url), { 'x-other': '1' });
      assert.ok(!unlisted.ok && /Failed to fetch/.test(unlisted.error), JSON.stringify(unlisted));
      assert.ok((await tab.probe('modern', urlOf('modern', bridge.url), { 'mcp-param-region': 'eu' })).ok, 'an Mcp-Param-* header passes it');
    });
  });

  test('with --cors and --apiKey, requests carrying the key succeed in every era; without it each gets a 401 the page reads, with its challenge', async () => {
    await withBridge(['--cors', '--apiKey', KEY, '--stdio', fixtureCommand('conformance-server')], async (bridge, tab) => {
      assertServed('session', await tab.run('session', urlOf('session', bridge.url), { authorization: `Bearer ${KEY}` }));
      assertServed('modern', await tab.run('modern', urlOf('modern', bridge.url), { 'x-api-key': KEY }));
      assertServed('sse', await tab.run('sse', urlOf('sse', bridge.url), { authorization: `Bearer ${KEY}` }));
      for (const era of ERAS) {
        const refused = await tab.probe(era, urlOf(era, bridge.url));
        assert.deepEqual(refused, { ok: true, status: 401, challenge: 'Bearer realm="mcp-bridge"', sessionId: null, reason: 'UNAUTHORIZED' }, era);
        const failed = await tab.run(era, urlOf(era, bridge.url));
        assert.ok(!failed.ok && /401|UNAUTHORIZED/.test(failed.error), `${era}: the SDK client says why: ${JSON.stringify(failed)}`);
      }
    });
  });

  test('without --cors, the browser refuses every request of the page, in every era', async () => {
    await withBridge(['--stdio', fixtureCommand('conformance-server')], async (bridge, tab) => {
      for (const era of ERAS) assertRefused(era, await tab.run(era, urlOf(era, bridge.url)), await tab.probe(era, urlOf(era, bridge.url)));
      assert.ok(tab.console().some((line) => /blocked by CORS policy/.test(line)), tab.console().join('\n'));
    });
  });

  test('with --cors naming another origin, the browser refuses every request of the page, in every era', async () => {
    await withBridge(['--cors', 'https://app.example', '--stdio', fixtureCommand('conformance-server')], async (bridge, tab) => {
      for (const era of ERAS) assertRefused(era, await tab.run(era, urlOf(era, bridge.url)), await tab.probe(era, urlOf(era, bridge.url)));
    });
  });

  test('gateway mode: with --cors, a server of the config file serves the page in every era on /servers/NAME/ and through the combined endpoint at the root', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-browser-gateway-'));
    try {
      const config = join(dir, 'mcp.json');
      // An empty prefix: the combined endpoint at the root offers the server's tools under their own names.
      const file = { mcpServers: { conf: { command: process.execPath, args: [fixturePath('conformance-server')] } }, 'mcp-bridge': { servers: { conf: { prefix: '' } } } };
      writeFileSync(config, JSON.stringify(file));
      await withBridge(['--config', config, '--cors', page.origin], async (bridge, tab) => {
        for (const era of ERAS) assertServed(era, await tab.run(era, urlOf(era, bridge.url, '/servers/conf')));
        for (const era of ERAS) assertServed(era, await tab.run(era, urlOf(era, bridge.url)));
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('in front of a cluster: three replicas behind nginx round-robin serve the page in every era, their requests forwarded between replicas', async () => {
    const { nginx, replicas, stop } = await startNginxCluster(['--cors', page.origin], (count, args) => startReplicas(count, args, 'conformance-server'));
    let tab: BrowserTab | undefined;
    try {
      const before = await forwardedTotal(replicas.map((replica) => replica.url));
      tab = await openTab(browser.browser, page.origin);
      for (const era of ERAS) assertServed(era, await tab.run(era, urlOf(era, nginx.url)));
      assert.ok((await forwardedTotal(replicas.map((replica) => replica.url))) > before, 'some of the page requests reached a replica that does not own their session');
    } finally {
      await tab?.close();
      await stop();
    }
  });
});
