// The engagement dashboard in a real browser against a real server, on the demo community (seedDemo):
// the manager finds it from the community nav and sees the counts, the weekly chart (an SVG with the
// same figures in a table beside it) and the top-10 table; a CSV link returns text/csv; a practitioner
// has no link and gets the server's refusal when opening the address. Needs the built client and
// Debian's Chromium; skipped with a printed reason without Chromium. STOA_SCREENSHOT_DIR saves screenshots.
import { mkdirSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { TEST_PASSWORD_COST, type TestApp, type TestUser } from '../helpers/app.js';
import { reportChromium, startBrowserApp, type BrowserApp } from '../helpers/browser.js';
import { seedDemo } from '../../server/demo/seed.js';

const hasChromium = reportChromium('the engagement browser test');
const SHOTS = process.env.STOA_SCREENSHOT_DIR;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });

describe.skipIf(!hasChromium)('engagement dashboard in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  const slug = 'elt-teacher-trainers';

  let app: BrowserApp;

  beforeAll(async () => {
    app = await startBrowserApp();
    ({ t, browser, base } = app);
    expect(await seedDemo(t.app.db, t.app.services, TEST_PASSWORD_COST)).toBe(true);
  }, 180_000);

  afterAll(async () => app?.close());

  async function demoUser(email: string): Promise<TestUser> {
    const [row] = await t.testDb.database.rows<{ id: string; display_name: string }>(sql`select id, display_name from users where email = ${email}`);
    return { id: row!.id, email, displayName: row!.display_name };
  }

  // The practitioner's refused report requests show up as failed resource loads (403).
  const signedInPage = (user: TestUser, width: number) => app.signedInPage(user, width, { expectedErrors: [/status of 403/], timeoutMs: 10_000 });

  const noHorizontalScroll = (page: Page) =>
    page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

  it('the manager sees counts, the chart with its table and the top 10; CSV downloads; a practitioner cannot reach it', async () => {
    const manager = await demoUser('maria@stoa.example');
    const [community] = await t.testDb.database.rows<{ id: string }>(sql`select id from communities where slug = ${slug}`);
    const M = await t.as(manager);
    const summaryRes = await M.get(`/api/communities/${community!.id}/engagement`);
    expect(summaryRes.statusCode, summaryRes.body).toBe(200);
    const summary = summaryRes.json() as { members: number; posters: number; top: Array<{ displayName: string; posts: number }>; definitions: Record<string, string> };
    expect(summary.members).toBeGreaterThan(0);

    for (const width of [1024, 360]) {
      const maria = await signedInPage(manager, width);
      await maria.page.goto(`${base}/c/${slug}`);
      await maria.page.getByRole('link', { name: 'Engagement' }).click();
      await maria.page.waitForURL(`${base}/c/${slug}/engagement`);
      const cards = maria.page.getByRole('region', { name: /^Summary/ });
      await expect.poll(() => cards.getByRole('listitem').filter({ hasText: 'members' }).first().textContent()).toContain(String(summary.members));
      expect(await cards.getByRole('listitem').filter({ hasText: 'posters' }).first().textContent()).toContain(String(summary.posters));
      // The definitions come from the API.
      expect(await maria.page.getByText(summary.definitions.lurkers!).isVisible()).toBe(true);
      // The chart and the table beside it.
      const weekly = maria.page.getByRole('region', { name: /^Week by week/ });
      expect(await weekly.locator('svg rect').count()).toBeGreaterThan(0);
      expect(await weekly.getByRole('table', { name: 'Weekly posters, lurkers, inactive members and posts' }).isVisible()).toBe(true);
      // Top 10.
      const top = maria.page.getByRole('table', { name: /^Top \d+ contributors/ });
      expect(await top.getByRole('row').count()).toBe(Math.min(10, summary.top.length) + 1);
      if (summary.top[0]) expect(await top.getByRole('row').nth(1).textContent()).toContain(summary.top[0].displayName);
      expect(await noHorizontalScroll(maria.page)).toBe(true);
      if (SHOTS) await maria.page.screenshot({ path: `${SHOTS}/engagement-${width}.png`, fullPage: true });

      if (width === 1024) {
        // A CSV link answers text/csv (fetched with the manager's cookie).
        const href = await maria.page.getByRole('link', { name: 'Download CSV of the top contributors' }).getAttribute('href');
        expect(href).toContain('format=csv');
        const res = await maria.page.request.get(`${base}${href}`);
        expect(res.status()).toBe(200);
        expect(res.headers()['content-type']).toMatch(/^text\/csv/);
        expect((await res.text()).split('\n')[0]).toMatch(/displayName|name/i);
      }
      expect(maria.errors).toEqual([]);
    }

    // --- A practitioner: no link, and the address shows the server's refusal.
    const priya = await signedInPage(await demoUser('priya@stoa.example'), 360);
    await priya.page.goto(`${base}/c/${slug}`);
    await expect.poll(() => priya.page.getByRole('link', { name: 'Topics' }).isVisible()).toBe(true);
    expect(await priya.page.getByRole('link', { name: 'Engagement' }).count()).toBe(0);
    const P = await t.as(await demoUser('priya@stoa.example'));
    const refused = await P.get(`/api/communities/${community!.id}/engagement`);
    expect(refused.statusCode).toBe(403);
    const refusal = (refused.json() as { detail: string }).detail;
    await priya.page.goto(`${base}/c/${slug}/engagement`);
    await expect.poll(() => priya.page.getByRole('alert').filter({ hasText: refusal }).first().isVisible()).toBe(true);
    expect(await priya.page.locator('svg rect').count()).toBe(0);
    if (SHOTS) await priya.page.screenshot({ path: `${SHOTS}/engagement-refused-360.png`, fullPage: true });
    expect(priya.errors).toEqual([]);
  }, 180_000);
});
