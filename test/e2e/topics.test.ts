// Topics in a real browser against a real server: a facilitator opens a CPD topic with two prompts through
// the form; a practitioner replies to a prompt and then to that reply (the thread shows both, nested); a
// reply draft survives a reload; a submit whose response is lost is retried with the same
// Idempotency-Key and yields one post; "Jump to first unread" goes to the first reply not read; a practice
// problem's author marks and unmarks its solution. Needs the built client (`npm run build`) and Debian's
// Chromium; skipped with a printed reason without Chromium. STOA_SCREENSHOT_DIR=/tmp/x saves screenshots there.
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestUser } from '../helpers/app.js';
import { describeInBrowser } from '../helpers/browser.js';

describeInBrowser('topics in Chromium', (suite) => {
  // The deliberately lost response below shows up as a failed resource load.
  const signedInPage = (user: TestUser, width: number) => suite.app.signedInPage(user, width, { expectedErrors: [/ERR_CONNECTION_RESET|ERR_FAILED/] });

  /** The visual nesting of a post, found by its text: how many reply lists (ol.thread) enclose it. */
  const threadDepthOf = (page: Page, text: string) =>
    page.evaluate((text) => {
      const root = document.querySelector('stoa-app')!.shadowRoot!.querySelector('stoa-topic-page')!.shadowRoot!;
      for (const post of root.querySelectorAll('stoa-post')) {
        if (!post.shadowRoot?.textContent?.includes(text)) continue;
        let depth = 0;
        for (let el: Element | null = post; el && el !== root.host; el = el.parentElement) if (el.matches('ol.thread')) depth++;
        return depth;
      }
      return -1;
    }, text);

  it('facilitator creates a CPD topic with two prompts; a practitioner replies and replies to the reply; drafts and retries are safe', async () => {
    const community = await suite.t.makeCommunity({ name: 'Riverside Teacher Trainers' });
    const facilitator = await suite.t.makeMember(community.id, ['facilitator'], { displayName: 'Fran Facilitator' });
    const practitioner = await suite.t.makeMember(community.id, [], { displayName: 'Pat Practitioner' });

    // --- The facilitator opens a CPD topic through the form (1024 px).
    const fran = await signedInPage(facilitator, 1024);
    await fran.page.goto(`${suite.base}/c/${community.slug}`);
    await fran.page.getByRole('button', { name: 'New CPD topic' }).click();
    await fran.page.getByLabel('Title').fill('Loop input');
    await fran.page.getByLabel('Article').fill('Loop input means **teaching about a technique by using it**.\n\n- experience it\n- then unpick it');
    await fran.page.getByLabel('Source link (optional)').fill('https://example.org/loop-input');
    await fran.page.getByRole('textbox', { name: 'Prompt 1', exact: true }).fill('When did you last *experience* a technique before teaching it?');
    await fran.page.getByRole('button', { name: 'Add another prompt' }).click();
    // The new prompt's box has the focus (keyboard users can type straight away).
    await fran.page.keyboard.type('Apply loop input to one session in your own training context.');
    expect(await fran.page.getByRole('textbox', { name: 'Prompt 2', exact: true }).inputValue()).toBe('Apply loop input to one session in your own training context.');

    // A schedule the server refuses: the error lands on the field it names.
    await fran.page.getByLabel('Opens at').fill('2031-05-10T10:00');
    await fran.page.getByLabel('Closes at').fill('2031-05-01T10:00');
    await fran.page.getByRole('button', { name: 'Create CPD topic' }).click();
    await expect.poll(() => fran.page.getByLabel('Closes at').getAttribute('aria-invalid')).toBe('true');
    expect(await fran.page.getByRole('alert').filter({ hasText: 'closesAt' }).count()).toBe(1);
    expect(await fran.page.getByLabel('Closes at').evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
    await fran.page.getByLabel('Opens at').fill('');
    await fran.page.getByLabel('Closes at').fill('');

    await fran.page.getByRole('button', { name: 'Create CPD topic' }).click();
    await fran.page.waitForURL(new RegExp(`${suite.base}/c/${community.slug}/t/[0-9a-f-]{36}$`));
    const topicUrl = fran.page.url();
    const topicId = topicUrl.split('/').pop()!;
    await expect.poll(() => fran.page.getByRole('heading', { level: 1 }).textContent()).toBe('Loop input');
    expect(await fran.page.getByRole('region', { name: 'Prompt 1' }).isVisible()).toBe(true);
    expect(await fran.page.getByRole('region', { name: 'Prompt 2' }).isVisible()).toBe(true);
    expect(await fran.page.getByText('teaching about a technique by using it').evaluate((el) => el.tagName)).toBe('STRONG');
    expect(await fran.page.getByRole('link', { name: 'https://example.org/loop-input' }).getAttribute('rel')).toBe('nofollow ugc noopener');
    expect(await fran.page.getByRole('button', { name: 'Add a prompt' }).count()).toBe(1);
    expect(await fran.page.title()).toBe('Loop input · Stoa');
    await suite.shot(fran.page, `topic-facilitator-1024`);

    // --- The practitioner (360 px) replies to prompt 1 with the keyboard.
    const pat = await signedInPage(practitioner, 360);
    await pat.page.goto(`${suite.base}/c/${community.slug}`);
    const row = pat.page.getByRole('listitem').filter({ has: pat.page.getByRole('link', { name: 'Loop input' }) });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/CPD topic/);
    expect(await row.textContent()).toMatch(/0 posted · 1 read/); // the facilitator opened it
    expect(await pat.page.getByRole('button', { name: 'New CPD topic' }).count()).toBe(0);
    expect(await pat.page.getByRole('button', { name: 'New practice problem' }).count()).toBe(1);
    await suite.shot(pat.page, `community-360`);
    await pat.page.getByRole('link', { name: 'Loop input' }).click();
    await pat.page.waitForURL(topicUrl);
    await expect.poll(() => pat.page.getByRole('heading', { level: 1 }).textContent()).toBe('Loop input');
    expect(await pat.page.getByRole('button', { name: 'Add a prompt' }).count()).toBe(0);

    const prompt1 = pat.page.getByRole('region', { name: 'Prompt 1' });
    // A prompt offers a button, not a text box; the button opens the composer with the keyboard in it.
    await prompt1.getByRole('button', { name: 'Reply to this prompt' }).click();
    await expect.poll(() => prompt1.getByLabel('Your reply to prompt 1').evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
    await pat.page.keyboard.type('Last week: a *jigsaw* reading.');
    // The live preview uses the shared markdown module.
    await expect.poll(() => prompt1.getByRole('region', { name: 'Preview' }).locator('em').textContent()).toBe('jigsaw');
    await pat.page.keyboard.press('Tab');
    await pat.page.keyboard.press('Enter');
    const firstReply = prompt1.locator('stoa-post').filter({ hasText: 'Last week: a' });
    await firstReply.waitFor();
    expect(await prompt1.getByLabel('Your reply to prompt 1').count()).toBe(0); // posted: the composer closed
    expect(await firstReply.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);

    // --- A reply to that reply: the draft survives a reload, then it is posted and shown nested.
    await firstReply.getByRole('button', { name: 'Reply' }).click();
    await pat.page.getByLabel('Your reply to Pat Practitioner').fill('Following up on my own jigsaw: it worked.');
    await pat.page.reload();
    await expect.poll(() => pat.page.getByRole('heading', { level: 1 }).textContent()).toBe('Loop input');
    const restored = pat.page.getByLabel('Your reply to Pat Practitioner');
    await expect.poll(() => restored.inputValue()).toBe('Following up on my own jigsaw: it worked.');
    await pat.page.getByRole('listitem').filter({ has: restored }).last().getByRole('button', { name: 'Post reply' }).click();
    // (Wait on the thread itself: the text is also in the composer's preview until the post is made.)
    await expect.poll(() => threadDepthOf(pat.page, 'Following up on my own jigsaw')).toBe(2);
    expect(await threadDepthOf(pat.page, 'Last week: a')).toBe(1);
    expect(await pat.page.getByLabel('Your reply to Pat Practitioner').count()).toBe(0); // the composer closed
    const draftsLeft = await pat.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('stoa:draft:')));
    expect(draftsLeft).toEqual([]);

    // --- A lost response: the first POST reaches the server but the browser sees a network error. The
    // retry sends the same Idempotency-Key and the server returns the first post: one post, not two.
    const keys: string[] = [];
    let dropped = false;
    await pat.page.route('**/api/topics/*/posts', async (route) => {
      const request = route.request();
      if (request.method() !== 'POST') return route.continue();
      keys.push(request.headers()['idempotency-key'] ?? '');
      if (dropped) return route.continue();
      dropped = true;
      await route.fetch(); // the server creates the post…
      await route.abort('connectionreset'); // …and the answer never arrives
    });
    const prompt2 = pat.page.getByRole('region', { name: 'Prompt 2' });
    await prompt2.getByRole('button', { name: 'Reply to this prompt' }).click();
    await prompt2.getByLabel('Your reply to prompt 2').fill('In my next session I will model a dictogloss.');
    await prompt2.getByRole('button', { name: 'Post reply' }).click();
    await expect.poll(() => prompt2.getByRole('alert').first().textContent()).toMatch(/Could not reach Stoa.*kept here/);
    expect(await prompt2.getByLabel('Your reply to prompt 2').inputValue()).toBe('In my next session I will model a dictogloss.');
    await prompt2.getByRole('button', { name: 'Post reply' }).click();
    await prompt2.locator('stoa-post').filter({ hasText: 'model a dictogloss' }).waitFor();
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(keys[1]).toBe(keys[0]);
    const all = (await (await suite.t.as(facilitator)).get(`/api/topics/${topicId}/posts?limit=200`)).json().items as Array<{ bodyHtml: string }>;
    expect(all.filter((p) => p.bodyHtml?.includes('dictogloss'))).toHaveLength(1);
    expect(all).toHaveLength(3);
    await pat.page.unroute('**/api/topics/*/posts');

    expect(await suite.noHorizontalScroll(pat.page)).toBe(true);
    await suite.shot(pat.page, `topic-practitioner-360`);

    // --- The facilitator sees the nested thread after a reload, and can mark a reply helpful.
    await fran.page.reload();
    const franFirst = fran.page.locator('stoa-post').filter({ hasText: 'Last week: a' });
    await expect.poll(() => threadDepthOf(fran.page, 'Following up on my own jigsaw')).toBe(2);
    const helpful = franFirst.getByRole('button', { name: /Helpful/ });
    expect(await helpful.getAttribute('aria-pressed')).toBe('false');
    await helpful.click();
    await expect.poll(() => helpful.getAttribute('aria-pressed')).toBe('true');
    expect(await helpful.textContent()).toMatch(/1/);
    await suite.shot(fran.page, `topic-facilitator-after-1024`);

    // The one expected failure: the refused schedule (400) above.
    expect(fran.errors.filter((e) => !/status of 400 .*\/topics\)$/.test(e))).toEqual([]);
    expect(pat.errors).toEqual([]);
    await fran.context.close();
    await pat.context.close();
  });

  it('edits with the version, withdraws, and shows a 409 when someone else changed the post', async () => {
    const community = await suite.t.makeCommunity({ name: 'Harbour Mentors' });
    const member = await suite.t.makeMember(community.id, [], { displayName: 'Mina Member' });
    const agent = await suite.t.as(member);
    const topic = (await agent.post(`/api/communities/${community.id}/topics`, { kind: 'problem', title: 'Quiet participants', body: 'Two people never speak.' })).json();
    const post = (await agent.post(`/api/topics/${topic.id}/posts`, { body: 'Try pair work first.' })).json();

    const mina = await signedInPage(member, 360);
    await mina.page.goto(`${suite.base}/c/${community.slug}/t/${topic.id}`);
    const item = mina.page.locator('stoa-post').first(); // the only reply
    await expect.poll(() => item.locator('article > .prose').textContent()).toBe('Try pair work first.');
    await item.getByRole('button', { name: 'Edit' }).click();
    await item.getByLabel('Edit your post').fill('Try pair work.');
    // The post changes elsewhere (another tab) while this edit is open; the save must not overwrite it.
    expect((await agent.patch(`/api/posts/${post.id}`, { body: 'Try pair work first, then groups.', version: 1 })).statusCode).toBe(200);
    await item.getByRole('button', { name: 'Save edit' }).click();
    await expect.poll(() => item.getByRole('alert').textContent()).toMatch(/Someone changed this post.*version 2/);
    await item.getByRole('button', { name: 'Load the current version' }).click();
    await expect.poll(() => item.locator('article > .prose').textContent()).toBe('Try pair work first, then groups.');
    expect(await item.getByLabel('Edit your post').inputValue()).toBe('Try pair work.'); // my edit is kept
    await item.getByRole('button', { name: 'Save edit' }).click();
    await expect.poll(() => item.locator('article > .prose').textContent()).toBe('Try pair work.');

    mina.page.once('dialog', (dialog) => void dialog.accept());
    await item.getByRole('button', { name: 'Withdraw' }).click();
    await expect.poll(() => item.locator('.placeholder').textContent()).toMatch(/Withdrawn by author/);
    expect(await item.getByRole('button', { name: 'Withdraw' }).count()).toBe(0);
    expect(mina.errors.filter((e) => !e.includes('409'))).toEqual([]);
    await mina.context.close();
  });

  it('"Jump to first unread" focuses the first reply after my read position; the author marks a solution (shown above the problem) and unmarks it', async () => {
    const community = await suite.t.makeCommunity({ name: 'Valley Tutors' });
    const asker = await suite.t.makeMember(community.id, [], { displayName: 'Ada Asker' });
    const helper = await suite.t.makeMember(community.id, [], { displayName: 'Hal Helper' });
    const askerAgent = await suite.t.as(asker);
    const helperAgent = await suite.t.as(helper);
    const topic = (await askerAgent.post(`/api/communities/${community.id}/topics`, { kind: 'problem', title: 'Late homework', body: 'Half the class hands it in late.' })).json();
    const replies: Array<{ id: string }> = [];
    for (const body of ['Set one clear deadline.', 'Give a short extension once.', 'Ask why it is late.']) {
      replies.push((await helperAgent.post(`/api/topics/${topic.id}/posts`, { body })).json());
    }
    expect((await askerAgent.post(`/api/topics/${topic.id}/read`, { postId: replies[0]!.id })).statusCode).toBe(200);

    const ada = await signedInPage(asker, 1024);
    await ada.page.goto(`${suite.base}/c/${community.slug}/t/${topic.id}`);
    await ada.page.getByText('(2 unread)').waitFor();
    await ada.page.getByRole('link', { name: 'Jump to first unread' }).click();
    const focusedPost = () =>
      ada.page.evaluate(() => {
        let el: Element | null = document.activeElement;
        while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
        return el?.closest('article')?.textContent ?? '';
      });
    await expect.poll(focusedPost).toContain('Give a short extension once.');

    const discussion = ada.page.getByRole('region', { name: 'Replies', exact: true });
    const solution = ada.page.getByRole('region', { name: 'Solution', exact: true });
    expect(await solution.count()).toBe(0);
    await discussion.locator('stoa-post').filter({ hasText: 'short extension' }).getByRole('button', { name: 'Mark as solution' }).click();
    await solution.getByText('Give a short extension once.').waitFor();
    await ada.page.getByText('Marked as the solution.').waitFor({ state: 'attached' });
    await discussion.locator('stoa-post').filter({ hasText: 'short extension' }).getByRole('button', { name: 'Unmark solution' }).click();
    await expect.poll(() => solution.count()).toBe(0);
    await ada.page.getByText('The solution mark is removed.').waitFor({ state: 'attached' });
    expect(ada.errors).toEqual([]);
    await ada.context.close();
  });

  it('live: a reply made in one page appears in another without reload, without moving what the reader sees', async () => {
    const community = await suite.t.makeCommunity({ name: 'Lakeside Coaches' });
    const facilitator = await suite.t.makeMember(community.id, ['facilitator'], { displayName: 'Fran Facilitator' });
    const practitioner = await suite.t.makeMember(community.id, [], { displayName: 'Pat Practitioner' });
    const franAgent = await suite.t.as(facilitator);
    const article = Array.from({ length: 12 }, (_, i) => `Paragraph ${i + 1} of the article about reflection on reflection.`).join('\n\n');
    const topic = (
      await franAgent.post(`/api/communities/${community.id}/topics`, {
        kind: 'cpd',
        title: 'Reflection on reflection',
        article,
        prompts: [{ body: 'How do you reflect after a session?' }, { body: 'What would you change next time?' }],
      })
    ).json();
    const url = `${suite.base}/c/${community.slug}/t/${topic.id}`;

    const fran = await signedInPage(facilitator, 360);
    const pat = await signedInPage(practitioner, 1024);
    await fran.page.goto(`${suite.base}/c/${community.slug}`);
    await fran.page.getByRole('link', { name: 'Reflection on reflection' }).waitFor();
    await pat.page.goto(url);
    await expect.poll(() => pat.page.getByRole('banner').textContent()).toMatch(/live/);
    await fran.page.goto(url);
    await expect.poll(() => fran.page.getByRole('banner').textContent()).toMatch(/\blive\b/);
    await fran.page.getByRole('heading', { name: 'Prompts' }).waitFor();

    // Fran reads the top of the page; Pat replies in the general discussion far below: the reply arrives,
    // Fran's view does not move, and a pill says there is a new reply below.
    await pat.page.getByLabel('Your reply to the topic').fill('I keep a two-line journal after each session.');
    await pat.page.getByRole('region', { name: 'General discussion' }).getByRole('button', { name: 'Post reply' }).click();
    await fran.page.locator('stoa-post').filter({ hasText: 'two-line journal' }).waitFor();
    expect(await fran.page.evaluate(() => window.scrollY)).toBe(0);
    const pill = fran.page.getByRole('button', { name: /1 new reply/ });
    await pill.waitFor();
    await pill.click();
    await expect.poll(() => pill.count()).toBe(0);

    // Fran scrolls to the general discussion; Pat replies to prompt 1 (above it): what Fran sees stays put.
    await fran.page.getByRole('heading', { name: 'General discussion' }).scrollIntoViewIfNeeded();
    await fran.page.evaluate(() => window.scrollBy(0, 100));
    const headingTop = () => fran.page.getByRole('heading', { name: 'General discussion' }).evaluate((el) => Math.round(el.getBoundingClientRect().top));
    const before = await headingTop();
    await pat.page.getByRole('region', { name: 'Prompt 1' }).getByRole('button', { name: 'Reply to this prompt' }).click();
    await pat.page.getByLabel('Your reply to prompt 1').fill('I ask myself three questions.\n\n1. What worked?\n2. What did not?\n3. Why?');
    await pat.page.getByRole('region', { name: 'Prompt 1' }).getByRole('button', { name: 'Post reply' }).click();
    await fran.page.locator('stoa-post').filter({ hasText: 'three questions' }).waitFor();
    await fran.page.waitForTimeout(100);
    expect(Math.abs((await headingTop()) - before)).toBeLessThanOrEqual(2);
    await expect.poll(() => fran.page.getByRole('region', { name: 'Prompt 1' }).textContent()).toMatch(/1 reply/);

    // Helpful marks tick in place on the other page; a draft being written is not touched.
    await fran.page.getByRole('region', { name: 'Prompt 2' }).getByRole('button', { name: 'Reply to this prompt' }).click();
    await fran.page.getByLabel('Your reply to prompt 2').fill('My draft, not yet sent.');
    const patsReply = pat.page.locator('stoa-post').filter({ hasText: 'two-line journal' });
    await fran.page.locator('stoa-post').filter({ hasText: 'two-line journal' }).getByRole('button', { name: /Helpful/ }).click();
    await expect.poll(() => patsReply.locator('.muted').filter({ hasText: 'found this helpful' }).textContent()).toMatch(/^1 found this helpful/);
    expect(await fran.page.getByLabel('Your reply to prompt 2').inputValue()).toBe('My draft, not yet sent.');

    // The community page shows the activity: the topic row counts the posters. On this (slow) load the
    // live socket opens only after a new topic was created: the list was read before it, the feed starts
    // after it, and the page must still show it (it reads again when its feed starts past its read).
    let letSocketOpen!: () => void;
    const socketMayOpen = new Promise<void>((resolve) => (letSocketOpen = resolve));
    await pat.page.routeWebSocket(/\/api\/live$/, async (ws) => {
      await socketMayOpen;
      ws.connectToServer();
    });
    await pat.page.goto(`${suite.base}/c/${community.slug}`);
    const row = pat.page.getByRole('listitem').filter({ has: pat.page.getByRole('link', { name: 'Reflection on reflection' }) });
    await expect.poll(() => row.textContent()).toMatch(/1 posted/);
    await franAgent.post(`/api/communities/${community.id}/topics`, { kind: 'problem', title: 'Latecomers every week', body: 'Half the group arrives 15 minutes late.' });
    letSocketOpen();
    await pat.page.getByRole('link', { name: 'Latecomers every week' }).waitFor();
    await suite.shot(fran.page, 'live-360', { fullPage: false });

    expect(fran.errors).toEqual([]);
    expect(pat.errors).toEqual([]);
    await fran.context.close();
    await pat.context.close();
  });
});
