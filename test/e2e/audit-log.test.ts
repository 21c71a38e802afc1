// The moderation audit log in Chromium (issue 16): each entry names what it is about (a post linked in its
// topic's title, a member by name) and "What changed" is a before/after table in words with changes marked,
// readable (axe, WCAG A/AA) in light and dark mode at 1280 px and 360 px; the post link opens the topic at
// that post. Needs the built client and Debian's Chromium; skipped with a printed reason without Chromium.
import { expect, it } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import { describeInBrowser } from '../helpers/browser.js';

describeInBrowser('audit log in Chromium', (suite) => {
  it('names posts, topics and members, shows before/after in words, and links to the post', async () => {
    const community = await suite.t.makeCommunity({ name: 'Riverside Teacher Trainers' });
    const moderator = await suite.t.makeMember(community.id, ['moderator'], { displayName: 'Mo Moderator' });
    const author = await suite.t.makeMember(community.id, [], { displayName: 'Ann Author' });
    const M = await suite.t.as(moderator);
    const A = await suite.t.as(author);
    const topic = (await A.post(`/api/communities/${community.id}/topics`, { kind: 'problem', title: 'Quiet groups', body: 'How do you get quiet groups talking?' })).json() as { id: string };
    const postRes = await A.post(`/api/topics/${topic.id}/posts`, { body: 'Buy cheap essays at spam.example' });
    expect(postRes.statusCode, postRes.body).toBe(201);
    const postId = (postRes.json() as { id: string }).id;
    for (const [res, what] of [
      [await M.post(`/api/posts/${postId}/removal`, { reason: 'Advertising essays' }), 'remove'],
      [await M.post(`/api/posts/${postId}/author-note`, { message: 'Please keep links to your own work' }), 'note'],
      [await M.put(`/api/communities/${community.id}/watched-words`, { words: [{ phrase: 'cheap essays', action: 'block' }] }), 'watched words'],
      [await M.put(`/api/communities/${community.id}/members/${author.id}/suspension`, { reason: 'Repeated adverts' }), 'suspend'],
    ] as const) expect(res.statusCode, `${what}: ${res.body}`).toBeLessThan(300);

    for (const width of [1280, 360]) {
      const mo = await suite.app.signedInPage(moderator, width);
      await mo.page.goto(`${suite.base}/c/${community.slug}/moderation/log`);
      const entries = mo.page.locator('ol.entries > li');
      await expect.poll(() => entries.count(), { timeout: 10_000 }).toBe(4);
      for (const summary of await mo.page.getByText('What changed').all()) await summary.click();

      const removal = entries.filter({ hasText: 'Post removed' });
      expect(await removal.textContent()).toContain('a post in “Quiet groups”');
      const changes = removal.getByRole('table');
      expect(await changes.getByRole('row', { name: /Status/ }).textContent()).toMatch(/Published.*Removed/);
      expect(await removal.locator('ins').first().isVisible()).toBe(true);
      const note = entries.filter({ hasText: 'Note to author' });
      expect(await note.getByRole('row', { name: /^To/ }).textContent()).toContain('Ann Author');
      const words = entries.filter({ hasText: 'Watched words changed' });
      expect(await words.locator('ins').textContent()).toContain('cheap essays (block)');
      const suspension = entries.filter({ hasText: 'Member suspended' });
      expect(await suspension.textContent()).toContain('member Ann Author');
      // No ids and no JSON anywhere in the log.
      const all = (await mo.page.locator('ol.entries').textContent())!;
      expect(all).not.toContain(author.id.slice(0, 8));
      expect(all).not.toMatch(/[{}]/);
      expect(await suite.noHorizontalScroll(mo.page)).toBe(true);
      for (const scheme of ['light', 'dark'] as const) {
        await mo.page.emulateMedia({ colorScheme: scheme });
        expect(await axeViolations(mo.page, { alsoRules: ['region'] }), `${width} px, ${scheme}`).toEqual([]);
        await suite.shot(mo.page, `audit-log-${scheme}-${width}`);
      }

      if (width === 1280) {
        // The link opens the topic at that post.
        await removal.getByRole('link', { name: 'a post' }).click();
        await mo.page.waitForURL(`${suite.base}/c/${community.slug}/t/${topic.id}?post=${postId}`);
        await expect.poll(() => mo.page.getByRole('heading', { level: 1 }).textContent()).toBe('Quiet groups');
      }
      expect(mo.errors).toEqual([]);
      await mo.context.close();
    }
  }, 120_000);
});
