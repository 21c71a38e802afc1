// Shared set-up for browser tests: a real app listening on a free port (PUBLIC_URL = that address, so
// invite links and the Origin check work) and Debian's Chromium driven by playwright-core; describeInBrowser
// (at the end) is the per-file set-up every test/e2e file uses.
import { existsSync, mkdirSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTestApp, type TestApp, type TestUser } from './app.js';
import { clientDist } from '../../server/plugins/static-client.js';
import type { Config } from '../../server/config.js';
import { freePort } from './net.js';

export { freePort };

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** Call at the top of a browser test file: prints why the file is skipped when Chromium is missing. */
export function reportChromium(what: string): boolean {
  if (!hasChromium) console.log(`[stoa e2e] skipping ${what}: ${CHROMIUM} is not installed (apt-get install chromium).`);
  return hasChromium;
}

export interface SignedInPage {
  context: BrowserContext;
  page: Page;
  /** Page errors and console errors seen so far, less the ones the test said to expect. */
  errors: string[];
}

export interface BrowserApp {
  t: TestApp;
  browser: Browser;
  /** http://127.0.0.1:<port>, also the app's PUBLIC_URL. */
  base: string;
  /**
   * A page in its own browser context, signed in as the user (a real session cookie), `width` px wide.
   * Console errors matching `expectedErrors` (a request a test makes fail on purpose) are not collected;
   * `acceptDialogs` accepts every window.confirm (tests that answer a dialog themselves leave it off).
   */
  signedInPage(user: TestUser, width: number, opts?: { expectedErrors?: RegExp[]; timeoutMs?: number; acceptDialogs?: boolean }): Promise<SignedInPage>;
  /** Closes every context signedInPage opened so far (e.g. after each test, so no live connection outlasts it). */
  closePages(): Promise<void>;
  close(): Promise<void>;
}

export async function startBrowserApp(overrides: Partial<Config> = {}): Promise<BrowserApp> {
  if (!existsSync(`${clientDist}/index.html`)) throw new Error(`The client is not built (${clientDist}); run "npm run build" first.`);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t = await createTestApp({ port, publicUrl: base, publicOrigin: base, ...overrides });
  await t.app.listen({ port, host: '127.0.0.1' });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const contexts: BrowserContext[] = [];
  return {
    t,
    browser,
    base,
    async signedInPage(user, width, opts = {}) {
      const agent = await t.as(user);
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      contexts.push(context);
      await context.addCookies([{ name: 'stoa_session', value: agent.cookie!, url: base }]);
      const page = await context.newPage();
      page.setDefaultTimeout(opts.timeoutMs ?? 8_000);
      const errors: string[] = [];
      const expected = opts.expectedErrors ?? [];
      page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error' && !expected.some((re) => re.test(msg.text()))) errors.push(`console: ${msg.text()} (${msg.location().url})`);
      });
      if (opts.acceptDialogs) page.on('dialog', (dialog) => void dialog.accept()); // window.confirm
      return { context, page, errors };
    },
    async closePages() {
      await Promise.all(contexts.splice(0).map((c) => c.close()));
    },
    async close() {
      await browser.close();
      await t.close();
    },
  };
}

/** What a browser test file gets from describeInBrowser: the running app (after beforeAll) and small helpers. */
export interface BrowserSuite {
  readonly app: BrowserApp;
  readonly t: TestApp;
  readonly browser: Browser;
  /** http://127.0.0.1:<port>, also the app's PUBLIC_URL. */
  readonly base: string;
  /** A screenshot (full page unless told) to $STOA_SCREENSHOT_DIR/<name>.png, when that variable is set. */
  shot(page: Page, name: string, options?: { fullPage?: boolean }): Promise<void>;
  /** True when the page is no wider than the viewport (nothing to scroll sideways). */
  noHorizontalScroll(page: Page): Promise<boolean>;
}

export interface BrowserSuiteOptions {
  /** Runs once after the app started (e.g. seeding the demo); its own timeout with `setUpTimeoutMs`. */
  setUp?: (app: BrowserApp) => Promise<void>;
  setUpTimeoutMs?: number;
  /** Close every page after each test, so no test's open page (or live connection) outlasts it. */
  closePagesAfterEach?: boolean;
}

/**
 * The set-up every browser test file shares: skipped with a printed reason without Chromium; otherwise a
 * real app and Chromium started once for the file (startBrowserApp) and closed after it.
 */
export function describeInBrowser(title: string, body: (suite: BrowserSuite) => void, options: BrowserSuiteOptions = {}) {
  const available = reportChromium(`"${title}"`);
  const shots = process.env.STOA_SCREENSHOT_DIR;
  if (available && shots) mkdirSync(shots, { recursive: true });
  describe.skipIf(!available)(title, () => {
    let current: BrowserApp | undefined;
    const started = () => {
      if (!current) throw new Error('The browser app is not started yet: use it inside a test or hook.');
      return current;
    };
    const suite: BrowserSuite = {
      get app() {
        return started();
      },
      get t() {
        return started().t;
      },
      get browser() {
        return started().browser;
      },
      get base() {
        return started().base;
      },
      async shot(page, name, { fullPage = true } = {}) {
        if (shots) await page.screenshot({ path: `${shots}/${name}.png`, fullPage });
      },
      noHorizontalScroll: (page) => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth),
    };
    beforeAll(async () => {
      current = await startBrowserApp();
      await options.setUp?.(current);
    }, options.setUpTimeoutMs);
    afterAll(async () => current?.close());
    if (options.closePagesAfterEach) afterEach(async () => current?.closePages());
    body(suite);
  });
}
