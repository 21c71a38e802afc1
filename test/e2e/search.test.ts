// Search in a real browser against a real server, on the demo community (seedDemo): a member types in the
// header's search box and sees matches as they type (fewer requests than keystrokes), goes to the results page,
// applies a filter (the address changes; Back restores it), finds a reply by a phrase from it and opens it at
// that post; an empty search says what to try. Words typed in the results page's box while a search loads stay
// when its results arrive. A member typing a practice problem's title sees the similar
// earlier problem (solved, with its solution's first line) appear, opens it, and comes back to the draft.
// A moderator sets the community's search language. axe-core checks the new UI. Needs the built client and
// Debian's Chromium; skipped with a printed reason without Chromium. STOA_SCREENSHOT_DIR saves screenshots.
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { TEST_PASSWORD_COST, type TestUser } from '../helpers/app.js';
import { axeViolations } from '../helpers/axe.js';
import { describeInBrowser } from '../helpers/browser.js';
import { seedDemo } from '../../server/demo/seed.js';

const slug = 'elt-teacher-trainers';
const PROBLEM = 'Teachers enjoy the workshop but do not try the ideas in class';

describeInBrowser('search in Chromium', (suite) => {
  async function demoUser(email: string): Promise<TestUser> {
    const [row] = await suite.t.testDb.database.rows<{ id: string; display_name: string }>(sql`select id, display_name from users where email = ${email}`);
    return { id: row!.id, email, displayName: row!.display_name };
  }

  /** The element that has keyboard focus, through shadow roots: its text and tag. */
  const focused = (page: Page) =>
    page.evaluate(() => {
      let el: Element | null = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      return { tag: el?.tagName ?? '', text: el?.textContent?.trim() ?? '', href: el?.getAttribute('href') ?? null };
    });

  it('header box shows matches while typing; the results page filters, finds a reply by a phrase and opens it; empty state; keyboard', async () => {
    const jonas = await demoUser('jonas@stoa.example');
    const { page, errors } = await suite.app.signedInPage(jonas, 1024);
    const searches: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/search') searches.push(r.url());
    });
    await page.goto(`${suite.base}/c/${slug}`);
    await page.getByRole('heading', { level: 1, name: 'ELT Teacher Trainers' }).waitFor();

    // --- The header box: scoped to the community of the page; matches appear while typing.
    const box = page.getByRole('combobox', { name: 'Search ELT Teacher Trainers' });
    await box.click();
    await box.pressSequentially('workshop', { delay: 40 });
    const listbox = page.getByRole('listbox', { name: 'Matches in ELT Teacher Trainers' });
    await listbox.waitFor();
    const problemOption = listbox.getByRole('option', { name: new RegExp(PROBLEM) }).first();
    await problemOption.waitFor();
    expect(await box.getAttribute('aria-expanded')).toBe('true');
    // Typing is debounced: 8 keystrokes, far fewer requests (each cancels the one before); all in this community.
    expect(searches.length).toBeGreaterThan(0);
    expect(searches.length).toBeLessThan(5);
    expect(searches.every((u) => new URL(u).searchParams.get('communityId'))).toBe(true);
    expect(await listbox.locator('mark').first().textContent()).toMatch(/workshop/i);
    // ↓ chooses the first option (aria-activedescendant), Escape closes the list.
    await box.press('ArrowDown');
    const activeId = await box.getAttribute('aria-activedescendant');
    expect(activeId).toBe('search-option-0');
    expect(await listbox.getByRole('option').first().getAttribute('aria-selected')).toBe('true');
    const optionCount = await listbox.getByRole('option').count();
    expect(optionCount).toBeGreaterThan(1);
    expect(await listbox.getByRole('option').last().textContent()).toMatch(/All \d+ results? for “workshop”/);
    expect(await axeViolations(page)).toEqual([]);
    await suite.shot(page, 'search-box-1024', { fullPage: false });
    await box.press('Escape');
    await expect.poll(() => box.getAttribute('aria-expanded')).toBe('false');

    // --- Enter with nothing chosen: the results page for the words, in this community.
    await box.press('Enter');
    await page.waitForURL(/\/search\?q=workshop&communityId=/);
    const count = page.getByText(/\d+ results? for “workshop” in ELT Teacher Trainers/);
    await count.waitFor();
    const total = Number((await count.textContent())!.match(/(\d+) result/)![1]);
    expect(total).toBeGreaterThan(1);
    expect(await page.getByRole('searchbox', { name: 'Search for' }).inputValue()).toBe('workshop');
    const results = page.getByRole('list', { name: 'Results' });
    expect(await results.getByRole('listitem').count()).toBe(Math.min(total, 20));
    expect(await page.title()).toBe('Search: workshop · Stoa');

    // --- A filter: replies only. The address says so, the hits are replies, focus stays on the select.
    const show = page.getByLabel('Show');
    await show.focus();
    await show.selectOption('post');
    await page.waitForURL(/type=post/);
    await expect.poll(async () => {
      const items = await results.getByRole('listitem').allTextContents();
      return items.length > 0 && items.every((t) => t.includes('Reply'));
    }).toBe(true);
    expect((await focused(page)).tag).toBe('SELECT');
    expect(await axeViolations(page)).toEqual([]);
    await suite.shot(page, 'search-results-replies-1024');

    // --- A phrase from one reply finds it; its link opens the topic at that post.
    const words = page.getByRole('searchbox', { name: 'Search for' });
    await words.fill('"Year 9 unit"');
    await words.press('Enter');
    await page.waitForURL(/q=%22Year\+9\+unit%22|q=%22Year%209%20unit%22/);
    await page.getByText(/\b1 result for “"Year 9 unit"” in/).waitFor();
    const hit = results.getByRole('link', { name: new RegExp(`Reply by Priya Practitioner in ${PROBLEM}`) });
    expect(await results.locator('mark').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/year/i)]));
    // Keyboard: j goes to the first result (the page's text field is not focused), Enter opens it.
    await page.getByRole('heading', { level: 1, name: 'Search' }).click();
    await page.keyboard.press('j');
    expect((await focused(page)).href).toBe(await hit.getAttribute('href'));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/t\/[0-9a-f-]{36}\?post=[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByText('I tried Amal’s idea with the Year 9 unit').isVisible()).toBe(true);
    await expect.poll(async () => (await focused(page)).text).toContain('Year 9 unit');

    // --- Back: the phrase search, then the filtered "workshop" search, as they were.
    await page.goBack();
    await page.waitForURL(/Year/);
    await page.getByText(/\b1 result for “"Year 9 unit"” in/).waitFor();
    await page.goBack();
    await page.waitForURL(/q=workshop&communityId=.*type=post/);
    await expect.poll(() => page.getByLabel('Show').inputValue()).toBe('post');
    expect(await page.getByRole('searchbox', { name: 'Search for' }).inputValue()).toBe('workshop');

    // --- Nothing matches: the page says what to try, including removing the filters.
    await words.fill('zzqxv quokka');
    await words.press('Enter');
    const empty = page.getByRole('region', { name: /^No results for “zzqxv quokka”/ });
    await empty.waitFor();
    expect(await empty.textContent()).toContain('Check the spelling');
    expect(await empty.textContent()).toContain('"quoted phrase"');
    await empty.getByRole('link', { name: 'Remove the filters' }).click();
    await page.waitForURL((url) => !url.search.includes('type='));
    await empty.waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await suite.shot(page, 'search-empty-1024');
    expect(errors).toEqual([]);
  }, 90_000);

  it('words typed while a search loads stay in the box when its results arrive; the next search uses them all; Back sets the box', async () => {
    const jonas = await demoUser('jonas@stoa.example');
    const { page, errors } = await suite.app.signedInPage(jonas, 1024);
    // Every search request waits here until the test lets it go (`hold` false: at once).
    const asked: string[] = [];
    let hold = true;
    const waiting: Array<() => void> = [];
    await page.route(
      (url) => url.pathname === '/api/search',
      async (route) => {
        asked.push(new URL(route.request().url()).searchParams.get('q') ?? '');
        if (hold) await new Promise<void>((go) => waiting.push(go));
        await route.continue();
      },
    );
    await page.goto(`${suite.base}/search`);
    const words = page.getByRole('searchbox', { name: 'Search for' });
    await words.fill('workshop');
    await words.press('Enter');
    await page.waitForURL(/\/search\?q=workshop$/);
    await expect.poll(() => waiting.length).toBe(1);
    // The search is under way: the member goes on typing in the same box.
    await words.press('End');
    await words.pressSequentially(' ideas');
    hold = false;
    for (const go of waiting.splice(0)) go();
    await page.getByText(/\d+ results? for “workshop” in/).waitFor();
    expect(await words.inputValue()).toBe('workshop ideas');
    await words.press('Enter');
    await page.waitForURL(/\/search\?q=workshop(\+|%20)ideas$/);
    await page.getByText(/results? for “workshop ideas”/).first().waitFor();
    expect(asked).toEqual(['workshop', 'workshop ideas']);
    expect(await words.inputValue()).toBe('workshop ideas');
    // Back: the address's words again, although the member typed others into the box before.
    await words.fill('not sent');
    await page.goBack();
    await page.waitForURL(/\/search\?q=workshop$/);
    await expect.poll(() => words.inputValue()).toBe('workshop');
    expect(errors).toEqual([]);
  }, 60_000);

  it('at 360 px the header box, its list and the results page fit the screen; a prompt hit opens at the prompt', async () => {
    const keiko = await demoUser('keiko@stoa.example');
    const { page, errors } = await suite.app.signedInPage(keiko, 360);
    await page.goto(`${suite.base}/`);
    // On a phone the search box is in the header's menu.
    await page.getByRole('button', { name: 'Menu' }).click();
    const box = page.getByRole('combobox', { name: 'Search all my communities' });
    await box.fill('loop input');
    await page.getByRole('listbox', { name: 'Matches in all my communities' }).getByRole('option').first().waitFor();
    expect(await suite.noHorizontalScroll(page)).toBe(true);
    await suite.shot(page, 'search-box-360', { fullPage: false });
    // Clicking an option opens the hit: a prompt's opens the topic at that prompt, its heading focused.
    await page.getByRole('listbox').getByRole('option').filter({ hasText: /^\s*Loop input\s*Prompt/ }).first().click();
    await page.waitForURL(/\/c\/elt-teacher-trainers\/t\/[0-9a-f-]{36}\?prompt=[0-9a-f-]{36}$/);
    await expect.poll(async () => (await focused(page)).text).toMatch(/^Prompt 1/);
    expect((await focused(page)).tag).toBe('H3');
    // The results page fits too.
    await page.goto(`${suite.base}/search?q=workshop`);
    await page.getByText(/\d+ results? for “workshop” in all your communities/).waitFor();
    expect(await suite.noHorizontalScroll(page)).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await suite.shot(page, 'search-results-360');
    expect(errors).toEqual([]);
  }, 60_000);

  it('a long topic has "Search this topic": matches as you type, ↓ and Enter open the reply in place; a short topic has none', async () => {
    const community = await suite.t.makeCommunity({ name: 'Long Threads' });
    const [ann, ben] = [await suite.t.makeMember(community.id, [], { displayName: 'Ann Asker' }), await suite.t.makeMember(community.id, [], { displayName: 'Ben Replier' })];
    const A = await suite.t.as(ann);
    const B = await suite.t.as(ben);
    const topic = (await A.post(`/api/communities/${community.id}/topics`, { kind: 'problem', title: 'Warmers for tired groups', body: 'Ideas?' })).json() as { id: string };
    let target = '';
    for (let i = 0; i < 24; i++) {
      const body = i === 3 ? 'Try marmalade sandwiches as a metaphor for layered tasks.' : `Idea number ${i}: stand up and swap seats.`;
      const post = (await (i % 2 ? A : B).post(`/api/topics/${topic.id}/posts`, { body })).json() as { id: string };
      if (i === 3) target = post.id;
    }
    const short = (await A.post(`/api/communities/${community.id}/topics`, { kind: 'problem', title: 'A short one', body: 'Hm?' })).json() as { id: string };
    await B.post(`/api/topics/${short.id}/posts`, { body: 'Just one reply.' });

    const { page, errors } = await suite.app.signedInPage(ann, 1024);
    await page.goto(`${suite.base}/c/${community.slug}/t/${short.id}`);
    await page.getByText('Just one reply.').waitFor();
    expect(await page.getByRole('searchbox', { name: 'Search this topic' }).count()).toBe(0);

    await page.goto(`${suite.base}/c/${community.slug}/t/${topic.id}`);
    const field = page.getByRole('searchbox', { name: 'Search this topic' });
    await field.fill('marmalade');
    const match = page.getByRole('list', { name: 'Matches in this topic' }).getByRole('link', { name: 'Reply by Ann Asker' });
    await match.waitFor();
    expect(await page.getByText('1 match in this topic.').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await suite.shot(page, 'topic-search-1024', { fullPage: false });
    await field.press('ArrowDown');
    expect((await focused(page)).text).toBe('Reply by Ann Asker');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${suite.base}/c/${community.slug}/t/${topic.id}?post=${target}`);
    await expect.poll(async () => (await focused(page)).text).toContain('marmalade sandwiches');
    expect(errors).toEqual([]);
  }, 60_000);

  it('typing a practice problem title shows similar earlier problems; opening one keeps the draft', async () => {
    const tomas = await demoUser('tomas@stoa.example');
    const { page, errors } = await suite.app.signedInPage(tomas, 1024);
    const similarAsked: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/similar-problems')) similarAsked.push(r.url());
    });
    await page.goto(`${suite.base}/c/${slug}`);
    await page.getByRole('button', { name: 'New practice problem' }).click();
    const title = page.getByLabel('Title');
    await title.pressSequentially('Teachers do not try workshop ideas', { delay: 30 });
    const similar = page.getByRole('region', { name: 'Has this been asked before?' });
    await similar.waitFor();
    const item = similar.getByRole('listitem').filter({ has: page.getByRole('link', { name: PROBLEM }) });
    await item.waitFor();
    expect(await item.textContent()).toContain('solved');
    expect(await item.textContent()).toMatch(/Solution: Adapt one activity/);
    expect(similarAsked.length).toBeLessThan(6); // debounced: 34 keystrokes
    expect(await similar.evaluate((el) => el.closest('[aria-live]')?.getAttribute('aria-live'))).toBe('polite');
    await page.getByLabel('The problem').fill('My teachers like the sessions but nothing changes in class.');
    expect(await axeViolations(page)).toEqual([]);
    await suite.shot(page, 'similar-problems-1024');

    // Opening the earlier problem in the same tab, then coming back: the form is open with what was written.
    await item.getByRole('link', { name: PROBLEM }).click();
    await page.waitForURL(/\/t\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(PROBLEM);
    await page.goBack();
    await expect.poll(() => page.getByLabel('Title').inputValue()).toBe('Teachers do not try workshop ideas');
    expect(await page.getByLabel('The problem').inputValue()).toBe('My teachers like the sessions but nothing changes in class.');
    await page.getByRole('region', { name: 'Has this been asked before?' }).waitFor();
    // Posting clears the draft: the next form is empty.
    await page.getByRole('button', { name: 'Post practice problem' }).click();
    await page.waitForURL(/\/t\/[0-9a-f-]{36}$/);
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('new-problem')))).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);

  it('a moderator chooses the community search language in the settings', async () => {
    const mo = await demoUser('mo@stoa.example');
    const { page, errors } = await suite.app.signedInPage(mo, 1024);
    await page.goto(`${suite.base}/c/${slug}/settings`);
    const select = page.getByLabel('Search language');
    await select.waitFor();
    const options = await select.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(options).toContain('simple');
    const next = options.find((o) => o !== 'simple' && o !== '') ?? 'simple';
    await select.selectOption(next);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    const [community] = await suite.t.testDb.database.rows<{ id: string }>(sql`select id from communities where slug = ${slug}`);
    const settings = (await (await suite.t.as(mo)).get(`/api/communities/${community!.id}/settings`)).json() as { searchLanguage: string };
    expect(settings.searchLanguage).toBe(next);
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);
}, {
  setUp: async (app) => {
    expect(await seedDemo(app.t.app.db, app.t.app.services, TEST_PASSWORD_COST)).toBe(true);
  },
  setUpTimeoutMs: 180_000,
  closePagesAfterEach: true,
});
