// The engagement dashboard in a real browser against a real server, on the demo community (seedDemo):
// the manager finds it from the community nav and sees the counts, the weekly chart (an SVG with axes,
// labels and a legend, readable in light and dark mode, the same figures in a table below it), replies per
// prompt as bars, "N posted · M only read" per topic, and the top-10 table, with no axe violation; a CSV
// link returns text/csv; a practitioner
// has no link and gets the server's refusal when opening the address. Needs the built client and
// Debian's Chromium; skipped with a printed reason without Chromium. STOA_SCREENSHOT_DIR saves screenshots.
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { TEST_PASSWORD_COST, type TestUser } from '../helpers/app.js';
import { axeViolations } from '../helpers/axe.js';
import { describeInBrowser } from '../helpers/browser.js';
import { seedDemo } from '../../server/demo/seed.js';

describeInBrowser('engagement dashboard in Chromium', (suite) => {
  const slug = 'elt-teacher-trainers';

  async function demoUser(email: string): Promise<TestUser> {
    const [row] = await suite.t.testDb.database.rows<{ id: string; display_name: string }>(sql`select id, display_name from users where email = ${email}`);
    return { id: row!.id, email, displayName: row!.display_name };
  }

  /**
   * The weekly chart reads without its table: a titled vertical axis with round tick values, week dates
   * under the bars, an axis title under them and a legend naming each colour; at 360 px its text is still
   * at least 11 px high (the chart scrolls sideways rather than shrinking).
   */
  async function checkChart(page: import('playwright-core').Page, width: number) {
    const chart = page.locator('svg.weekly-chart');
    const texts = await chart.locator('text').allTextContents();
    expect(texts).toEqual(expect.arrayContaining(['Members', 'Week starting (Monday)', '0']));
    const ticks = texts.filter((t) => /^\d+$/.test(t)).map(Number);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks).toEqual([...ticks].sort((a, b) => a - b));
    expect(texts.some((t) => /^\d{1,2} [A-Z][a-z]{2}$/.test(t))).toBe(true); // "24 Aug"
    const legend = await page.locator('figcaption.legend').textContent();
    for (const key of ['Posted', 'Only read', 'Inactive']) expect(legend).toContain(key);
    const smallest = await chart.locator('text').evaluateAll((els) => Math.min(...els.map((e) => e.getBoundingClientRect().height)));
    expect(smallest, `${width} px`).toBeGreaterThanOrEqual(11);
  }

  /** The lowest contrast ratio of the chart's text colours against the background behind the chart (WCAG formula). */
  async function svgTextContrast(page: import('playwright-core').Page): Promise<number> {
    return page.locator('svg.weekly-chart').evaluate((svg) => {
      const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
      const lum = ([r, g, b]: number[]) => {
        const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
      };
      // The first opaque background up the tree, through shadow roots.
      let node: Element | null = svg;
      let bg = 'rgb(255, 255, 255)';
      while (node) {
        const c = getComputedStyle(node).backgroundColor;
        if (c && !/rgba\(.*, 0\)$/.test(c) && c !== 'transparent') { bg = c; break; }
        node = node.parentElement ?? ((node.getRootNode() as ShadowRoot).host ?? null);
      }
      const back = lum(rgb(bg));
      return Math.min(...[...svg.querySelectorAll('text')].map((t) => {
        const fore = lum(rgb(getComputedStyle(t).fill));
        return (Math.max(fore, back) + 0.05) / (Math.min(fore, back) + 0.05);
      }));
    });
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
      expect(await cards.getByRole('listitem').filter({ hasText: 'posted' }).first().textContent()).toContain(String(summary.posters));
      // The definitions come from the API.
      // (under its heading, "Only read", without repeating the term)
      expect(await maria.page.getByText(summary.definitions.lurkers!.replace(/^Only read: /, '')).isVisible()).toBe(true);
      // The chart and the table beside it.
      const weekly = maria.page.getByRole('region', { name: /^Week by week/ });
      expect(await weekly.locator('svg rect').count()).toBeGreaterThan(0);
      expect(await weekly.getByRole('table', { name: 'Members each week (posted, only read, inactive) and posts' }).isVisible()).toBe(true);
      await checkChart(maria.page, width);
      // Replies per prompt as labelled bars, and who took part in each topic.
      const topics = maria.page.getByRole('region', { name: 'Topics' });
      const prompts = topics.getByRole('list', { name: 'Replies per prompt' }).first();
      expect(await prompts.getByRole('listitem').first().textContent()).toMatch(/Prompt 1\s+\d+ repl(y|ies)/);
      expect(await topics.getByRole('row').nth(1).textContent()).toMatch(/\d+ posted · \d+ only read/);
      for (const scheme of ['light', 'dark'] as const) {
        await maria.page.emulateMedia({ colorScheme: scheme });
        expect(await axeViolations(maria.page, { alsoRules: ['region'] }), `${width} px, ${scheme}`).toEqual([]);
        expect(await svgTextContrast(maria.page), `chart text contrast, ${scheme}`).toBeGreaterThanOrEqual(4.5);
      }
      await maria.page.emulateMedia({ colorScheme: 'light' });
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
