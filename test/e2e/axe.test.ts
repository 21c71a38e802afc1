// Accessibility in CI: axe-core (test/helpers/axe.ts) on the main pages of the demo community, each opened
// by the role that uses it, in light and dark mode (emulated prefers-color-scheme), at 1280 px and 360 px.
// Any WCAG 2 A/AA violation fails (and axe's `region` rule: all content inside landmarks), and the failure names the page, role, width and scheme.
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { TEST_PASSWORD_COST, type TestUser } from '../helpers/app.js';
import { axeViolations, type AxeViolation } from '../helpers/axe.js';
import { describeInBrowser, type BrowserSuite } from '../helpers/browser.js';
import { seedDemo } from '../../server/demo/seed.js';

const slug = 'elt-teacher-trainers';
const WIDTHS = [1280, 360] as const;
const SCHEMES = ['light', 'dark'] as const;

interface PageCase {
  name: string;
  /** The demo account that opens it. */
  email: string;
  path: (ids: DemoIds) => string;
  /** A heading that shows the page has loaded (its data, not only the shell). */
  ready: RegExp;
}
interface DemoIds {
  topicId: string;
  handle: string;
}

const PRACTITIONER = 'priya@stoa.example';
const CASES: PageCase[] = [
  { name: 'communities', email: PRACTITIONER, path: () => '/', ready: /^My communities$/ },
  { name: 'community topic list', email: PRACTITIONER, path: () => `/c/${slug}`, ready: /^ELT Teacher Trainers$/ },
  { name: 'topic page', email: PRACTITIONER, path: (ids) => `/c/${slug}/t/${ids.topicId}`, ready: /^Designing and planning/ },
  { name: 'search results', email: PRACTITIONER, path: () => `/search?q=feedback`, ready: /^Search/ },
  { name: 'notifications', email: PRACTITIONER, path: () => '/notifications', ready: /^Notifications$/ },
  { name: 'profile', email: PRACTITIONER, path: (ids) => `/u/${ids.handle}`, ready: /^Tomás Trainer$/ },
  { name: 'account', email: PRACTITIONER, path: () => '/account', ready: /^(My )?account$/i },
  { name: 'moderation queue', email: 'mo@stoa.example', path: () => `/c/${slug}/moderation`, ready: /Moderation|Review/ },
  { name: 'community settings', email: 'mo@stoa.example', path: () => `/c/${slug}/settings`, ready: /settings/i },
  { name: 'audit log', email: 'mo@stoa.example', path: () => `/c/${slug}/moderation/log`, ready: /log/i },
  { name: 'engagement dashboard', email: 'maria@stoa.example', path: () => `/c/${slug}/engagement`, ready: /Engagement/ },
];

describeInBrowser(
  'axe: WCAG 2 A/AA on the main pages, light and dark, desktop and phone',
  (suite) => {
    let ids: DemoIds;
    const db = () => suite.t.testDb.database;

    async function demoUser(email: string): Promise<TestUser> {
      const [row] = await db().rows<{ id: string; display_name: string }>(sql`select id, display_name from users where email = ${email}`);
      return { id: row!.id, email, displayName: row!.display_name };
    }

    /** Waits until the page's data is in: its h1 matches and nothing says "Loading…" any more. */
    async function settled(page: Page, ready: RegExp) {
      await expect.poll(() => page.getByRole('heading', { level: 1 }).first().textContent(), { timeout: 10_000 }).toMatch(ready);
      await page.waitForLoadState('networkidle');
      await expect.poll(() => page.getByText('Loading…').count(), { timeout: 10_000 }).toBe(0);
    }

    for (const c of CASES) {
      it(`${c.name} (${c.email.split('@')[0]})`, async () => {
        ids ??= await demoIds(suite);
        const found: Array<{ where: string } & AxeViolation> = [];
        for (const width of WIDTHS) {
          const { page, errors } = await suite.app.signedInPage(await demoUser(c.email), width, { timeoutMs: 10_000 });
          await page.emulateMedia({ colorScheme: SCHEMES[0] });
          await page.goto(`${suite.base}${c.path(ids)}`);
          await settled(page, c.ready);
          // One load per width: the scheme is CSS only (client/theme.ts: color-scheme and light-dark() tokens),
          // so the page takes the other one as it is emulated, and axe reads the recomputed styles.
          for (const scheme of SCHEMES) {
            await page.emulateMedia({ colorScheme: scheme });
            expect(await page.evaluate((wanted) => matchMedia(`(prefers-color-scheme: ${wanted})`).matches, scheme)).toBe(true);
            for (const v of await axeViolations(page, { alsoRules: ['region'] })) found.push({ where: `${c.name}, ${width} px, ${scheme}`, ...v });
          }
          expect(errors).toEqual([]);
        }
        expect(found).toEqual([]);
      }, 90_000);
    }
  },
  {
    setUp: async (app) => {
      expect(await seedDemo(app.t.app.db, app.t.app.services, TEST_PASSWORD_COST)).toBe(true);
    },
    setUpTimeoutMs: 180_000,
    closePagesAfterEach: true,
  },
);

async function demoIds(suite: BrowserSuite): Promise<DemoIds> {
  const database = suite.t.testDb.database;
  const [topic] = await database.rows<{ id: string }>(sql`select id from topics where title like 'Designing and planning%'`);
  const [user] = await database.rows<{ handle: string }>(sql`select handle from users where email = 'tomas@stoa.example'`);
  return { topicId: topic!.id, handle: user!.handle };
}
