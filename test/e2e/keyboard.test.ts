// Keyboard flow on a topic in Chromium: j/k move between posts, r replies (focus in the new reply box, as
// with the Reply button), Ctrl/⌘+Enter sends, focus then lands on the new post and the live region says it
// is posted; / goes to the header search, ? lists the shortcuts; none of the single keys fire while typing.
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeInBrowser } from '../helpers/browser.js';

/** The innermost focused element: its tag, its label (for fields) and its text. */
const focused = (page: Page) =>
  page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    const root = el?.getRootNode() as ShadowRoot | Document | undefined;
    const label = el?.id ? root?.querySelector(`label[for="${el.id}"]`)?.textContent?.trim() : undefined;
    return { tag: el?.tagName.toLowerCase() ?? '', label: label ?? el?.getAttribute('aria-label') ?? '', text: el?.textContent ?? '', id: el?.id ?? '' };
  });
const announced = (page: Page) => page.evaluate(() => document.querySelector('stoa-app')?.shadowRoot?.querySelector('[aria-live]')?.textContent ?? '');

describeInBrowser(
  'keyboard flow in Chromium',
  (suite) => {
    it('j/k/r, Reply, Ctrl+Enter, focus on the new post with an announcement, / and ?', async () => {
      const community = await suite.t.makeCommunity({ name: 'Keyboard Circle' });
      const me = await suite.t.makeMember(community.id, [], { displayName: 'Kim Keys' });
      const bea = await suite.t.makeMember(community.id, [], { displayName: 'Bea Other' });
      const B = await suite.t.as(bea);
      const topic = (await B.post(`/api/communities/${community.id}/topics`, { kind: 'problem', title: 'Quiet mornings', body: 'Any ideas?' })).json();
      for (const body of ['First answer from Bea.', 'Second answer from Bea.']) expect((await B.post(`/api/topics/${topic.id}/posts`, { body })).statusCode).toBe(201);
      const { page, errors } = await suite.app.signedInPage(me, 1280);
      await page.goto(`${suite.base}/c/${community.slug}/t/${topic.id}`);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Quiet mornings');
      await page.getByText('Second answer from Bea.').waitFor();

      // j, j, k: first post, second, first again (focus on the post's article).
      await page.keyboard.press('j');
      await expect.poll(async () => (await focused(page)).text).toContain('First answer from Bea.');
      expect((await focused(page)).tag).toBe('article');
      await page.keyboard.press('j');
      await expect.poll(async () => (await focused(page)).text).toContain('Second answer from Bea.');
      await page.keyboard.press('k');
      await expect.poll(async () => (await focused(page)).text).toContain('First answer from Bea.');

      // r: a reply to the post in focus, with the keyboard in its box; typing j there types j.
      await page.keyboard.press('r');
      await expect.poll(async () => (await focused(page)).label).toBe('Your reply to Bea Other');
      await page.keyboard.type('just kidding / really?');
      expect(await page.getByRole('dialog').count()).toBe(0);
      // Ctrl+Enter sends it; focus moves to the new post, and the live region says it is posted.
      await page.keyboard.press('Control+Enter');
      await expect.poll(async () => (await focused(page)).text).toContain('just kidding / really?');
      expect((await focused(page)).tag).toBe('article');
      await expect.poll(() => announced(page)).toBe('Your reply is posted.');

      // The Reply button also puts the keyboard in the new box; ⌘+Enter sends as well.
      // The Reply buttons: the first answer's, my reply's under it, the second answer's.
      await page.getByRole('button', { name: 'Reply', exact: true }).nth(2).click();
      await expect.poll(async () => (await focused(page)).label).toBe('Your reply to Bea Other');
      await page.keyboard.type('Sent with the Meta key.');
      await page.keyboard.press('Meta+Enter');
      await expect.poll(async () => (await focused(page)).text).toContain('Sent with the Meta key.');

      // r with no post in focus: the topic's own reply box; Ctrl+Enter sends that composer too.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.keyboard.press('r');
      await expect.poll(async () => (await focused(page)).label).toBe('Your reply');
      await page.keyboard.type('A reply to the topic.');
      await page.keyboard.press('Control+Enter');
      await expect.poll(async () => (await focused(page)).text).toContain('A reply to the topic.');
      const replies = (await (await suite.t.as(me)).get(`/api/topics/${topic.id}/posts`)).json().items.map((p: { bodyHtml: string }) => p.bodyHtml);
      expect(replies.filter((h: string) => /just kidding|Meta key|reply to the topic/.test(h))).toHaveLength(3);

      // / goes to the header's search box; ? opens the list of shortcuts, Escape closes it.
      await page.keyboard.press('/');
      await expect.poll(async () => (await focused(page)).id).toBe('header-search');
      await page.keyboard.press('Escape');
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.keyboard.press('?');
      const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await expect.poll(() => dialog.isVisible()).toBe(true);
      expect(await dialog.textContent()).toMatch(/j\s*Next post/);
      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.isVisible()).toBe(false);
      expect(errors).toEqual([]);
    });
  },
  { closePagesAfterEach: true },
);
