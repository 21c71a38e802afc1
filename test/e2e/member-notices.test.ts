// What moderators tell a member, seen in a real browser: a note to a post's author (sent from the review
// queue) shows on that post for its author and moderators, never for other members; a suspended member
// sees a banner with the reason and the end date on the community's pages. Needs the built client
// (`npm run build`) and Debian's Chromium; skipped with a printed reason without Chromium.
// STOA_SCREENSHOT_DIR=/tmp/x saves screenshots there.
import { expect, it } from 'vitest';
import type { TestUser } from '../helpers/app.js';
import { axeViolations } from '../helpers/axe.js';
import { describeInBrowser } from '../helpers/browser.js';

describeInBrowser('notices to members in Chromium', (suite) => {
  const signedInPage = (user: TestUser, width: number) => suite.app.signedInPage(user, width, { acceptDialogs: true });

  async function setUp(name: string) {
    const community = await suite.t.makeCommunity({ name });
    const facilitator = await suite.t.makeMember(community.id, ['facilitator'], { displayName: 'Fran Facilitator' });
    const moderator = await suite.t.makeMember(community.id, ['moderator'], { displayName: 'Mo Moderator' });
    const author = await suite.t.makeMember(community.id, [], { displayName: 'Ann Author' });
    const reader = await suite.t.makeMember(community.id, [], { displayName: 'Pat Practitioner' });
    const topicRes = await (await suite.t.as(facilitator)).post(`/api/communities/${community.id}/topics`, { kind: 'problem', title: 'Quiet groups', body: 'How do you get quiet groups talking?' });
    expect(topicRes.statusCode, topicRes.body).toBe(201);
    const topic = topicRes.json() as { id: string };
    return { community, moderator, author, reader, topic, topicUrl: `${suite.base}/c/${community.slug}/t/${topic.id}` };
  }

  it('a note to the author: sent from the queue, shown on the post to its author and moderators only', async () => {
    const { community, moderator, author, reader, topic, topicUrl } = await setUp('Notes Community');
    const postRes = await (await suite.t.as(author)).post(`/api/topics/${topic.id}/posts`, { body: 'My class hates group work, frankly.' });
    expect(postRes.statusCode, postRes.body).toBe(201);
    const postId = (postRes.json() as { id: string }).id;
    expect((await (await suite.t.as(reader)).post(`/api/posts/${postId}/flags`, { reason: 'other', note: 'Tone' })).statusCode).toBe(201);
    const message = 'Please keep the tone professional.\nThe point itself is welcome.';

    // --- The moderator writes the note from the review queue.
    const mo = await signedInPage(moderator, 1024);
    await mo.page.goto(`${suite.base}/c/${community.slug}/moderation`);
    await mo.page.getByRole('button', { name: 'Note to author…' }).click();
    const dialog = mo.page.getByRole('dialog', { name: 'Note to the author' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByLabel('Your note').fill(message);
    await dialog.getByRole('button', { name: 'Send note' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);

    // --- The author reads it on their post.
    const ann = await signedInPage(author, 360);
    await ann.page.goto(topicUrl);
    const annPost = ann.page.locator(`li[data-post-id="${postId}"] > stoa-post`);
    const notes = annPost.getByRole('complementary', { name: 'Notes from moderators' });
    await expect.poll(() => notes.isVisible()).toBe(true);
    expect(await notes.textContent()).toContain('Note from a moderator');
    expect(await notes.textContent()).toContain('only you and the moderators see it');
    // The line break is kept (plain text, pre-wrap), and the moderator's name is not shown to the author.
    expect(await notes.locator('.note-text').innerText()).toBe(message);
    expect(await notes.textContent()).not.toContain('Mo Moderator');
    await suite.shot(ann.page, 'author-note-360');
    expect(await axeViolations(ann.page, { alsoRules: ['region'] })).toEqual([]);

    // --- Another member sees the post, not the note.
    const pat = await signedInPage(reader, 1024);
    await pat.page.goto(topicUrl);
    const patPost = pat.page.locator(`li[data-post-id="${postId}"] > stoa-post`);
    await expect.poll(() => patPost.getByText('My class hates group work').isVisible()).toBe(true);
    expect(await patPost.getByRole('complementary', { name: 'Notes from moderators' }).count()).toBe(0);
    expect(await pat.page.getByText('Please keep the tone professional.').count()).toBe(0);

    // --- Moderators see it on the post, with who sent it.
    await mo.page.goto(topicUrl);
    const moNotes = mo.page.locator(`li[data-post-id="${postId}"] > stoa-post`).getByRole('complementary', { name: 'Notes from moderators' });
    await expect.poll(() => moNotes.isVisible()).toBe(true);
    expect(await moNotes.textContent()).toContain('Note from Mo Moderator (moderator)');

    expect([...ann.errors, ...pat.errors, ...mo.errors]).toEqual([]);
  }, 30_000);

  it('a suspended member sees a banner with the reason and the end date on the community’s pages', async () => {
    const { community, moderator, reader, topicUrl } = await setUp('Suspension Notice Community');
    const until = new Date(Date.now() + 3 * 24 * 3600_000);
    until.setUTCSeconds(0, 0);
    const reason = 'Repeated personal remarks about colleagues.';
    const res = await (await suite.t.as(moderator)).put(`/api/communities/${community.id}/members/${reader.id}/suspension`, { reason, until: until.toISOString() });
    expect(res.statusCode, res.body).toBe(200);

    const pat = await signedInPage(reader, 360);
    for (const url of [`${suite.base}/c/${community.slug}`, topicUrl]) {
      await pat.page.goto(url);
      const banner = pat.page.getByRole('region', { name: 'Your suspension' });
      await expect.poll(() => banner.isVisible()).toBe(true);
      const text = await banner.textContent();
      expect(text).toContain('You are suspended in Suspension Notice Community');
      expect(text).toContain('you can read, but not post.');
      expect(text).toContain(reason);
      expect(await banner.locator('time').getAttribute('datetime')).toBe(until.toISOString());
      // The date in words as the member's browser writes it.
      const shown = await pat.page.evaluate((iso) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)), until.toISOString());
      expect(await banner.locator('time').textContent()).toBe(shown);
    }
    await suite.shot(pat.page, 'suspension-banner-360');
    expect(await axeViolations(pat.page, { alsoRules: ['region'] })).toEqual([]);

    // Not on the pages of another community, and not for the moderator.
    await pat.page.goto(`${suite.base}/`);
    await expect.poll(() => pat.page.getByRole('heading', { level: 1 }).count()).toBeGreaterThan(0);
    expect(await pat.page.getByRole('region', { name: 'Your suspension' }).count()).toBe(0);
    const mo = await signedInPage(moderator, 1024);
    await mo.page.goto(topicUrl);
    await expect.poll(() => mo.page.getByRole('heading', { name: 'Quiet groups' }).isVisible()).toBe(true);
    expect(await mo.page.getByRole('region', { name: 'Your suspension' }).count()).toBe(0);

    expect([...pat.errors, ...mo.errors]).toEqual([]);
  }, 30_000);
}, { closePagesAfterEach: true });
