/**
 * A real browser for the CORS tests: Debian's chromium driven headless by playwright-core, and a
 * small page server on its own loopback origin serving `test/fixtures/browser-page.ts` bundled for
 * the browser with esbuild (at test time, into a temporary folder).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, stop as stopEsbuild } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Era, EraOutcome, FetchOutcome } from '../fixtures/browser-page.js';
import { fixturePath } from './paths.js';
import { descendants, isAlive } from './processes.js';
import { waitFor } from './wait.js';

/** Where the tests find Debian's chromium (`.ci/run` installs it). */
export const chromiumPath = '/usr/bin/chromium';

/** A web page's origin: a node:http server on 127.0.0.1 serving the bundled page script. */
export interface PageServer {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  close(): Promise<void>;
}

/** Bundles the page script for the browser into a temporary folder and serves it at `/` on a port of 127.0.0.1 of its own. */
export async function servePage(): Promise<PageServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-page-'));
  try {
    const outfile = join(dir, 'page.js');
    try {
      await build({ entryPoints: [fixturePath('browser-page')], bundle: true, platform: 'browser', format: 'iife', target: 'chrome120', outfile, logLevel: 'error' });
    } finally {
      // esbuild's API keeps a service process running for later builds: there are none.
      await stopEsbuild();
    }
    const script = readFileSync(outfile);
    const html = '<!doctype html><meta charset="utf-8"><title>mcp-bridge browser client</title><script src="/page.js"></script>';
    const server: Server = createServer((req, res) => {
      if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      else if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return {
      origin: `http://127.0.0.1:${port}`,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A headless chromium and the processes it runs as. */
export interface RunningBrowser {
  browser: Browser;
  /** Closes the browser and waits until every process started since its launch is gone (call it after stopping the rest). */
  close(): Promise<void>;
}

/**
 * Launches Debian's chromium headless with a fresh temporary profile (playwright's default). Its
 * processes are the test process's new descendants, so call it before starting anything else.
 */
export async function launchChromium(): Promise<RunningBrowser> {
  const before = new Set(descendants(process.pid));
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const launched = descendants(process.pid).filter((pid) => !before.has(pid));
  return {
    browser,
    close: async () => {
      await browser.close();
      // Renderers started later are the browser's descendants too: none may outlive it.
      const left = () => [...launched.filter(isAlive), ...descendants(process.pid).filter((pid) => !before.has(pid))];
      await waitFor(() => left().length === 0, { what: "the browser's processes to end" });
    },
  };
}

/** A tab showing the page of `origin`, with its page script loaded. */
export interface BrowserTab {
  /** Runs a client of `era` against `url` from the page (see browser-page.ts). */
  run(era: Era, url: string, headers?: Record<string, string>): Promise<EraOutcome>;
  /** Sends `era`'s first request with plain fetch from the page. */
  probe(era: Era, url: string, headers?: Record<string, string>): Promise<FetchOutcome>;
  /** What the browser logged to the page's console (CORS refusals are said there). */
  console(): string[];
  close(): Promise<void>;
}

/** Opens `origin` in a fresh browser context (no cache or preflight cache shared with other tabs). */
export async function openTab(browser: Browser, origin: string): Promise<BrowserTab> {
  const context = await browser.newContext();
  const page: Page = await context.newPage();
  const logged: string[] = [];
  page.on('console', (message) => void logged.push(message.text()));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => 'mcpPage' in globalThis);
  type Call = [Era, string, Record<string, string>];
  return {
    run: (era, url, headers = {}) =>
      page.evaluate(([e, u, h]: Call) => (globalThis as unknown as { mcpPage: { run(...a: Call): Promise<EraOutcome> } }).mcpPage.run(e, u, h), [era, url, headers] as Call),
    probe: (era, url, headers = {}) =>
      page.evaluate(([e, u, h]: Call) => (globalThis as unknown as { mcpPage: { probe(...a: Call): Promise<FetchOutcome> } }).mcpPage.probe(e, u, h), [era, url, headers] as Call),
    console: () => [...logged],
    close: () => context.close(),
  };
}
