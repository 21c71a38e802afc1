// Shared set-up for browser tests: a real app listening on a free port (PUBLIC_URL = that address, so
// invite links and the Origin check work) and Debian's Chromium driven by playwright-core.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Browser } from 'playwright-core';
import { createTestApp, type TestApp } from './app.js';
import { clientDist } from '../../server/plugins/static-client.js';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** Call at the top of a browser test file: prints why the file is skipped when Chromium is missing. */
export function reportChromium(what: string): boolean {
  if (!hasChromium) console.log(`[stoa e2e] skipping ${what}: ${CHROMIUM} is not installed (apt-get install chromium).`);
  return hasChromium;
}

/** A free TCP port, so PUBLIC_URL can name the address before the app listens. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface BrowserApp {
  t: TestApp;
  browser: Browser;
  /** http://127.0.0.1:<port>, also the app's PUBLIC_URL. */
  base: string;
  close(): Promise<void>;
}

export async function startBrowserApp(): Promise<BrowserApp> {
  if (!existsSync(`${clientDist}/index.html`)) throw new Error(`The client is not built (${clientDist}); run "npm run build" first.`);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t = await createTestApp({ port, publicUrl: base, publicOrigin: base });
  await t.app.listen({ port, host: '127.0.0.1' });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  return {
    t,
    browser,
    base,
    async close() {
      await browser.close();
      await t.close();
    },
  };
}
