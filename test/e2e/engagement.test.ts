// The engagement dashboard in a real browser against a real server, on the demo community (seedDemo):
// the manager finds it from the community nav and sees the counts, the weekly chart (an SVG with the
// same figures in a table beside it) and the top-10 table; a CSV link returns text/csv; a practitioner
// has no link and gets the server's refusal when opening the address. Needs the built client and
// Debian's Chromium; skipped with a printed reason without Chromium. STOA_SCREENSHOT_DIR saves screenshots.
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { TEST_PASSWORD_COST, type TestUser } from '../helpers/app.js';
import { describeInBrowser } from '../helpers/browser.js';
import { seedDemo } from '../../server/demo/seed.js';

describeInBrowser('engagement dashboard in Chromium', (suite) => {
  const slug = 'elt-teacher-trainers';

  async function demoUser(email: string): Promise<TestUser> {
    const [row] = await suite.t.testDb.database.rows<{ id: string; display_name: string }>(sql`select id, display_name from users where email = ${email}`);
    return { id: row!.id, email, displayName: row!.display_name };
  }

  // The practitioner's refused report requests show up as failed resource loads (403).
  const signedInPage = (user: TestUser, width: number) => suite.app.signedInPage(user, width, { expectedErrors: [/status of 403/], timeoutMs: 10_000 });

  it('the manager sees counts, the chart with its table and the top 10; CSV downloads; a practitioner cannot reach it', async () => {
    const manager = await demoUser('maria@stoa.example');
    const [community] = await suite.t.testDb.database.rows<{ id: string }>(sql`select id from communities where slug = ${slug}`);
    const M = await suite.t.as(manager);
    const summaryRes = await M.get(`/api/communities/${community!.id}/engagement`);
    expect(summaryRes.statusCode, summaryRes.body).toBe(200);
    const summary = summaryRes.json() as { members: number; posters: number; top: Array<{ displayName: string; posts: number }>; definitions: Record<string, string> };
    expect(summary.members).toBeGreaterThan(0);

    for (const width of [1024, 360]) {
      const maria = await signedInPage(manager, width);
      await maria.page.goto(`${suite.base}/c/${slug}`);
      await maria.page.getByRole('link', { name: 'Engagement' }).click();
      await maria.page.waitForURL(`${suite.base}/c/${slug}/engagement`);
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
      expect(await suite.noHorizontalScroll(maria.page)).toBe(true);
      await suite.shot(maria.page, `engagement-${width}`);

      if (width === 1024) {
        // A CSV link answers text/csv (fetched with the manager's cookie).
        const href = await maria.page.getByRole('link', { name: 'Download CSV of the top contributors' }).getAttribute('href');
        expect(href).toContain('format=csv');
        const res = await maria.page.request.get(`${suite.base}${href}`);
        expect(res.status()).toBe(200);
        expect(res.headers()['content-type']).toMatch(/^text\/csv/);
        expect((await res.text()).split('\n')[0]).toMatch(/displayName|name/i);
      }
      expect(maria.errors).toEqual([]);
    }

    // --- A practitioner: no link, and the address shows the server's refusal.
    const priya = await signedInPage(await demoUser('priya@stoa.example'), 360);
    await priya.page.goto(`${suite.base}/c/${slug}`);
    await expect.poll(() => priya.page.getByRole('link', { name: 'Topics' }).isVisible()).toBe(true);
    expect(await priya.page.getByRole('link', { name: 'Engagement' }).count()).toBe(0);
    const P = await suite.t.as(await demoUser('priya@stoa.example'));
    const refused = await P.get(`/api/communities/${community!.id}/engagement`);
    expect(refused.statusCode).toBe(403);
    const refusal = (refused.json() as { detail: string }).detail;
    await priya.page.goto(`${suite.base}/c/${slug}/engagement`);
    await expect.poll(() => priya.page.getByRole('alert').filter({ hasText: refusal }).first().isVisible()).toBe(true);
    expect(await priya.page.locator('svg rect').count()).toBe(0);
    await suite.shot(priya.page, `engagement-refused-360`);
    expect(priya.errors).toEqual([]);
  }, 180_000);
}, {
  // The demo data the dashboard reports on.
  setUp: async (app) => {
    expect(await seedDemo(app.t.app.db, app.t.app.services, TEST_PASSWORD_COST)).toBe(true);
  },
  setUpTimeoutMs: 180_000,
});
