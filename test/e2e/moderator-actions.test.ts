// Moderator actions in a real browser against a real server, each checked where a moderator sees it AND
// where another member feels it: locking a topic (the practitioner's open composer gives way to "locked"
// and the API refuses a reply), pinning a topic (it moves to the top of the practitioner's topic list with
// a "pinned" badge), approving a post held by new-member pre-moderation (it appears, live, for another
// practitioner) and suspending a member (their reply is refused, their pages say so, the API refuses).
// Each test builds its own community, so they run in any order. Needs the built client (`npm run build`)
// and Debian's Chromium; skipped with a printed reason without Chromium.
// STOA_SCREENSHOT_DIR=/tmp/x saves screenshots there.
import { expect, it } from 'vitest';
import type { TestUser } from '../helpers/app.js';
import { describeInBrowser } from '../helpers/browser.js';

/** Live updates and the topic list's debounced refresh (1 s) need more than expect.poll's default second. */
const LIVE = { timeout: 6_000 };

describeInBrowser('moderator actions in Chromium', (suite) => {
  /** A signed-in page; `expected` lists console errors a test provokes on purpose (a refused request). */
  const signedInPage = (user: TestUser, width: number, expected: RegExp[] = []) => suite.app.signedInPage(user, width, { expectedErrors: expected, acceptDialogs: true });

  /** A community with a facilitator (who asks the question), a moderator and a practitioner. */
  async function setUp(name: string) {
    const community = await suite.t.makeCommunity({ name });
    const facilitator = await suite.t.makeMember(community.id, ['facilitator'], { displayName: 'Fran Facilitator' });
    const moderator = await suite.t.makeMember(community.id, ['moderator'], { displayName: 'Mo Moderator' });
    const practitioner = await suite.t.makeMember(community.id, [], { displayName: 'Pat Practitioner' });
    const F = await suite.t.as(facilitator);
    const makeTopic = async (title: string) => {
      const res = await F.post(`/api/communities/${community.id}/topics`, { kind: 'problem', title, body: `About ${title}.` });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { id: string };
    };
    return { community, facilitator, moderator, practitioner, makeTopic };
  }

  it('lock: the practitioner’s open composer gives way to “locked”, and a reply is refused', async () => {
    const { community, moderator, practitioner, makeTopic } = await setUp('Lock Community');
    const topic = await makeTopic('Marking load');
    const topicUrl = `${suite.base}/c/${community.slug}/t/${topic.id}`;

    const pat = await signedInPage(practitioner, 360);
    await pat.page.goto(topicUrl);
    const patComposer = pat.page.getByRole('textbox', { name: 'Your reply', exact: true });
    await expect.poll(() => patComposer.isVisible()).toBe(true);

    const mo = await signedInPage(moderator, 1024);
    await mo.page.goto(topicUrl);
    const controls = mo.page.getByRole('group', { name: 'Topic moderation' });
    await controls.getByRole('button', { name: 'Lock', exact: true }).click();
    const unlock = controls.getByRole('button', { name: 'Unlock', exact: true });
    await expect.poll(() => unlock.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => mo.page.locator('p.meta .badge', { hasText: 'locked' }).isVisible()).toBe(true);
    await suite.shot(mo.page, 'locked-moderator-1024');

    // The practitioner's open page follows live: no composer, the reason instead.
    await expect.poll(() => pat.page.getByText('This topic is locked: no new replies.').isVisible(), LIVE).toBe(true);
    expect(await patComposer.count()).toBe(0);
    await suite.shot(pat.page, 'locked-practitioner-360');
    // …and the server refuses a reply from them whatever the page shows.
    const refused = await (await suite.t.as(practitioner)).post(`/api/topics/${topic.id}/posts`, { body: 'Still replying' });
    expect(refused.statusCode, refused.body).toBe(409);
    expect((refused.json() as { code: string }).code).toBe('topic_locked');

    // Unlocking gives the composer back.
    await unlock.click();
    await expect.poll(() => controls.getByRole('button', { name: 'Lock', exact: true }).getAttribute('aria-pressed')).toBe('false');
    await expect.poll(() => patComposer.isVisible(), LIVE).toBe(true);

    expect([...pat.errors, ...mo.errors]).toEqual([]);
  }, 20_000);

  it('pin: the topic moves to the top of the practitioner’s list with a “pinned” badge', async () => {
    const { community, moderator, practitioner, makeTopic } = await setUp('Pin Community');
    const older = await makeTopic('Older question');
    await makeTopic('Newer question');

    const pat = await signedInPage(practitioner, 360);
    await pat.page.goto(`${suite.base}/c/${community.slug}`);
    const cards = pat.page.locator('stoa-topic-list ul.topics > li');
    const firstTitle = () => cards.first().locator('h3 a').textContent();
    // Latest activity first before the pin, so the move below is the pin's doing.
    await expect.poll(() => cards.count()).toBe(2);
    expect(await firstTitle()).toBe('Newer question');
    expect(await pat.page.getByText('pinned', { exact: true }).count()).toBe(0);

    const mo = await signedInPage(moderator, 1024);
    await mo.page.goto(`${suite.base}/c/${community.slug}/t/${older.id}`);
    const controls = mo.page.getByRole('group', { name: 'Topic moderation' });
    await controls.getByRole('button', { name: 'Pin', exact: true }).click();
    await expect.poll(() => controls.getByRole('button', { name: 'Unpin', exact: true }).getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => mo.page.locator('p.meta .badge', { hasText: 'pinned' }).isVisible()).toBe(true);

    // The practitioner's open list refreshes on the topic.updated event.
    await expect.poll(firstTitle, LIVE).toBe('Older question');
    expect(await cards.first().locator('.badge', { hasText: 'pinned' }).isVisible()).toBe(true);
    expect(await cards.nth(1).locator('.badge', { hasText: 'pinned' }).count()).toBe(0);
    await suite.shot(pat.page, 'pinned-list-360');
    // And on a fresh load too (the order is the server's, not the page's).
    await pat.page.reload();
    await expect.poll(() => cards.count()).toBe(2);
    expect(await firstTitle()).toBe('Older question');

    expect([...pat.errors, ...mo.errors]).toEqual([]);
  }, 20_000);

  it('approve: a held first post appears for another practitioner once a moderator approves it in the queue', async () => {
    const { community, moderator, practitioner, makeTopic } = await setUp('Approval Community');
    const reader = await suite.t.makeMember(community.id, [], { displayName: 'Rae Reader' });
    const topic = await makeTopic('Feedback that lands');
    const topicUrl = `${suite.base}/c/${community.slug}/t/${topic.id}`;
    const text = 'I ask trainees to rewrite my feedback in their own words.';

    // --- The moderator turns on new-member pre-moderation in the settings.
    const mo = await signedInPage(moderator, 1024);
    await mo.page.goto(`${suite.base}/c/${community.slug}/settings`);
    const premod = mo.page.getByLabel('Hold a new member’s first posts for approval');
    await expect.poll(() => premod.inputValue()).toBe('0');
    await premod.fill('1');
    await mo.page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => mo.page.getByText('Settings saved.').isVisible()).toBe(true);

    // --- The reader has the topic open; the practitioner posts their first reply, which is held.
    const rae = await signedInPage(reader, 360);
    await rae.page.goto(topicUrl);
    await expect.poll(() => rae.page.getByRole('textbox', { name: 'Your reply', exact: true }).isVisible()).toBe(true);
    const pat = await signedInPage(practitioner, 360);
    await pat.page.goto(topicUrl);
    await pat.page.getByRole('textbox', { name: 'Your reply', exact: true }).fill(text);
    await pat.page.getByRole('button', { name: 'Post reply' }).click();
    const patPost = pat.page.locator('stoa-post').filter({ hasText: text });
    await expect.poll(() => patPost.getByText('Pending approval: a moderator will review your post before others see it.').isVisible()).toBe(true);
    const held = (((await (await suite.t.as(practitioner)).get(`/api/topics/${topic.id}/posts`)).json()) as { items: Array<{ id: string; status: string }> }).items[0]!;
    expect(held.status).toBe('pending');
    // Found by id: before approval the reader's page has no such post at all.
    const raePost = rae.page.locator(`li[data-post-id="${held.id}"] > stoa-post`);
    // Not shown to the reader while held, even after a reload.
    await rae.page.reload();
    await expect.poll(() => rae.page.getByRole('textbox', { name: 'Your reply', exact: true }).isVisible()).toBe(true);
    expect(await raePost.count()).toBe(0);

    // --- The moderator approves it from the queue (the nav's Moderation link counts it).
    await mo.page.goto(`${suite.base}/c/${community.slug}/moderation`);
    const modLink = mo.page.getByRole('link', { name: /^Moderation/ });
    await expect.poll(() => modLink.textContent()).toMatch(/Moderation\s*1$/);
    await expect.poll(() => mo.page.getByRole('heading', { name: 'Waiting for approval (1)' }).isVisible()).toBe(true);
    const item = mo.page.getByRole('listitem').filter({ hasText: text });
    expect(await item.textContent()).toContain('Pat Practitioner');
    await suite.shot(mo.page, 'approval-queue-1024');
    await item.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => mo.page.getByText('No posts waiting.').isVisible()).toBe(true);
    expect(await mo.page.getByRole('heading', { name: 'Waiting for approval (0)' }).isVisible()).toBe(true);
    await expect.poll(() => modLink.textContent()).toMatch(/Moderation$/);

    // --- The reader's open page shows it, live; the author's loses the "pending" note.
    await expect.poll(() => raePost.getByText(text).isVisible(), LIVE).toBe(true);
    expect(await raePost.getByText('Pending approval').count()).toBe(0);
    await expect.poll(() => patPost.getByText('Pending approval').count(), LIVE).toBe(0);
    await suite.shot(rae.page, 'approved-reader-360');

    expect([...pat.errors, ...mo.errors, ...rae.errors]).toEqual([]);
  }, 20_000);

  it('suspend: from the member list; the member’s open page says so at once, their pages say why, the API refuses their posts', async () => {
    const { community, moderator, practitioner, makeTopic } = await setUp('Suspension Community');
    const topic = await makeTopic('Observation notes');
    const topicUrl = `${suite.base}/c/${community.slug}/t/${topic.id}`;

    // The practitioner has the topic open (composer ready) before the suspension. A post refused by the
    // server (should it race the live update) is logged by Chromium as a failed load; that one is expected.
    const pat = await signedInPage(practitioner, 360, [/status of 403/]);
    await pat.page.goto(topicUrl);
    const composer = pat.page.getByRole('textbox', { name: 'Your reply', exact: true });
    await expect.poll(() => composer.isVisible()).toBe(true);

    // --- The moderator suspends them from the community page's member list.
    const mo = await signedInPage(moderator, 1024);
    await mo.page.goto(`${suite.base}/c/${community.slug}`);
    const row = mo.page.locator('ul.members > li').filter({ hasText: 'Pat Practitioner' });
    // A moderator sees the member's name and handle, not their email address (managers and admins do).
    await expect.poll(() => row.getByRole('link', { name: /^@\w+$/ }).isVisible()).toBe(true);
    expect(await row.textContent()).not.toMatch(/[\w.+-]+@[\w-]+\.\w+/);
    await row.getByRole('button', { name: /^Suspend Pat Practitioner\b/ }).click();
    const dialog = mo.page.getByRole('dialog', { name: 'Suspend Pat Practitioner' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByLabel('Reason (the member sees it)').fill('Repeated personal remarks about colleagues.');
    await dialog.getByRole('button', { name: 'Suspend', exact: true }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await expect.poll(() => row.getByText('Pat Practitioner is suspended until lifted.').isVisible()).toBe(true);
    expect(await row.locator('.badge', { hasText: 'suspended' }).isVisible()).toBe(true);
    expect(await row.getByRole('button', { name: 'Lift suspension of Pat Practitioner' }).isVisible()).toBe(true);
    await suite.shot(mo.page, 'suspended-members-1024');

    // --- The practitioner's open page learns it live, without a reload: the banner says why, and the open
    // composer gives way to the reason (the live feed's refusal makes the app read /api/me again).
    const liveBanner = pat.page.getByRole('region', { name: 'Your suspension' });
    await expect.poll(() => liveBanner.textContent(), LIVE).toContain('Repeated personal remarks about colleagues.');
    await expect.poll(() => pat.page.getByText('You are suspended in this community: you can read, but not reply.').isVisible()).toBe(true);
    expect(await composer.count()).toBe(0);
    // A fresh load says so up front: no composer on the topic, no new-topic button on the community page.
    await pat.page.reload();
    await expect.poll(() => pat.page.getByText('You are suspended in this community: you can read, but not reply.').isVisible()).toBe(true);
    expect(await composer.count()).toBe(0);
    await pat.page.goto(`${suite.base}/c/${community.slug}`);
    const banner = pat.page.getByRole('region', { name: 'Your suspension' });
    await expect.poll(() => banner.textContent()).toContain('until a moderator lifts it: you can read, but not post.');
    expect(await banner.textContent()).toContain('Repeated personal remarks about colleagues.');
    await expect.poll(() => pat.page.locator('stoa-topic-list ul.topics > li').count()).toBe(1);
    expect(await pat.page.getByRole('button', { name: 'New practice problem' }).count()).toBe(0);
    await suite.shot(pat.page, 'suspended-member-360');
    // The API agrees: no post, no new topic.
    const P = await suite.t.as(practitioner);
    const post = await P.post(`/api/topics/${topic.id}/posts`, { body: 'Through the API' });
    expect(post.statusCode, post.body).toBe(403);
    expect((post.json() as { code: string }).code).toBe('member_suspended');
    const newTopic = await P.post(`/api/communities/${community.id}/topics`, { kind: 'problem', title: 'A new one', body: 'Body.' });
    expect(newTopic.statusCode, newTopic.body).toBe(403);

    expect([...pat.errors, ...mo.errors]).toEqual([]);
  }, 20_000);
}, { closePagesAfterEach: true });
