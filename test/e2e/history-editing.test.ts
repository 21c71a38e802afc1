// History and editing in a real browser (issue 16): prompts open their composer on demand, quoting a
// selection, the revision viewer for posts and topics, live preview and drafts in every markdown form, and
// the facilitator editing a topic from its page. Needs the built client (`npm run build`) and Debian's
// Chromium; skipped with a printed reason without Chromium.
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeInBrowser } from '../helpers/browser.js';
import { axeViolations } from '../helpers/axe.js';

describeInBrowser(
  'history and editing in Chromium',
  (suite) => {
    /** A community with a facilitator and a practitioner, and a CPD topic with `prompts` prompts made through the API. */
    async function cpdTopic(name: string, prompts: string[]) {
      const community = await suite.t.makeCommunity({ name });
      const facilitator = await suite.t.makeMember(community.id, ['facilitator'], { displayName: 'Fran Facilitator' });
      const practitioner = await suite.t.makeMember(community.id, [], { displayName: 'Pat Practitioner' });
      const res = await (await suite.t.as(facilitator)).post(`/api/communities/${community.id}/topics`, {
        kind: 'cpd',
        title: `${name}: the topic`,
        article: 'An article about **peer observation**.',
        prompts: prompts.map((body) => ({ body })),
      });
      expect(res.statusCode).toBe(201);
      const topic = res.json() as { id: string; prompts: Array<{ id: string }> };
      return { community, facilitator, practitioner, topic, url: `${suite.base}/c/${community.slug}/t/${topic.id}` };
    }

    const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

    it('prompts show "Reply to this prompt" instead of a text box each; a prompt with a draft opens its composer on load', async () => {
      const { practitioner, url, topic } = await cpdTopic('Prompt buttons', ['First prompt?', 'Second prompt?', 'Third prompt?']);
      const pat = await suite.app.signedInPage(practitioner, 1024);
      await pat.page.goto(url);
      await expect.poll(() => heading(pat.page)).toBe('Prompt buttons: the topic');
      await pat.page.getByRole('heading', { name: 'Prompts' }).waitFor();
      // One text box in view (the general discussion), not four.
      expect(await pat.page.locator('textarea:visible').count()).toBe(1);
      expect(await pat.page.getByRole('button', { name: 'Reply to this prompt' }).count()).toBe(3);

      const prompt2 = pat.page.getByRole('region', { name: 'Prompt 2' });
      await prompt2.getByRole('button', { name: 'Reply to this prompt' }).click();
      const box = prompt2.getByLabel('Your reply to prompt 2');
      await expect.poll(() => box.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
      expect(await pat.page.locator('textarea:visible').count()).toBe(2);
      await pat.page.keyboard.type('A draft for the second prompt.');

      // Reloaded: the prompt with a draft opens its composer with the text; the others stay buttons.
      await pat.page.reload();
      await expect.poll(() => heading(pat.page)).toBe('Prompt buttons: the topic');
      await expect.poll(() => pat.page.getByLabel('Your reply to prompt 2').inputValue()).toBe('A draft for the second prompt.');
      expect(await pat.page.locator('textarea:visible').count()).toBe(2);
      expect(await pat.page.getByRole('button', { name: 'Reply to this prompt' }).count()).toBe(2);

      // Posted: the composer closes and the button is back.
      await prompt2.getByRole('button', { name: 'Post reply' }).click();
      await prompt2.locator('stoa-post').filter({ hasText: 'A draft for the second prompt.' }).waitFor();
      await expect.poll(() => pat.page.locator('textarea:visible').count()).toBe(1);
      expect(await prompt2.getByRole('button', { name: 'Reply to this prompt' }).count()).toBe(1);
      const posts = (await (await suite.t.as(practitioner)).get(`/api/topics/${topic.id}/posts`)).json().items as Array<{ promptId: string }>;
      expect(posts.map((p) => p.promptId)).toEqual([topic.prompts[1]!.id]);
      expect(pat.errors).toEqual([]);
      await pat.context.close();
    });

    it('Quote: selected words of a post go into the reply as a blockquote naming the author, by keyboard and by mouse', async () => {
      const { community, practitioner, url, topic } = await cpdTopic('Quoting', ['Only prompt?']);
      const reader = await suite.t.makeMember(community.id, [], { displayName: 'Quinn Reader' });
      const res = await (await suite.t.as(practitioner)).post(`/api/topics/${topic.id}/posts`, {
        body: 'Peer observation works when the observed teacher **chooses the focus**.\n\nOtherwise it feels like an inspection.',
      });
      expect(res.statusCode).toBe(201);
      const handle = (res.json() as { author: { handle: string } }).author.handle;
      expect(handle).toBeTruthy();

      const quinn = await suite.app.signedInPage(reader, 1024);
      await quinn.page.goto(url);
      const post = quinn.page.locator('stoa-post').filter({ hasText: 'Otherwise it feels' });
      await post.waitFor();
      expect(await post.getByRole('button', { name: 'Quote' }).count()).toBe(0); // nothing selected yet

      // Keyboard: the words are selected (here by a triple click on the paragraph), Tab reaches "Quote", Enter quotes.
      await post.locator('article > .prose > p').first().click({ clickCount: 3 });
      const quote = post.getByRole('button', { name: 'Quote' });
      await quote.waitFor();
      await quinn.page.keyboard.press('Tab');
      expect(await quote.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
      await quinn.page.keyboard.press('Enter');
      const box = post.getByLabel('Your reply to Pat Practitioner');
      await expect.poll(() => box.inputValue()).toBe(`> Peer observation works when the observed teacher chooses the focus.\n\n— @${handle}\n\n`);
      // The caret waits below the quote, and the preview shows a blockquote.
      expect(await box.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
      await quinn.page.keyboard.type('Agreed: the focus is theirs.');
      await expect.poll(() => post.getByRole('region', { name: 'Preview' }).locator('blockquote').textContent()).toMatch(/chooses the focus/);

      // Mouse: a second selection adds a second quote after what is written.
      await post.locator('article > .prose > p').nth(1).click({ clickCount: 3 });
      await quote.click();
      await expect.poll(() => box.inputValue()).toBe(
        `> Peer observation works when the observed teacher chooses the focus.\n\n— @${handle}\n\nAgreed: the focus is theirs.\n\n> Otherwise it feels like an inspection.\n\n— @${handle}\n\n`,
      );
      await post.getByRole('button', { name: 'Post reply' }).click();
      // Quinn's own post: until the composer under Pat's post closes, its preview shows the same words.
      const reply = quinn.page.locator('stoa-post').filter({ hasText: 'Quinn Reader (you)' }).filter({ hasText: 'Agreed: the focus is theirs.' });
      await reply.waitFor();
      expect(await reply.locator('blockquote').count()).toBe(2);
      expect(quinn.errors).toEqual([]);
    });

    it("a post's history: its author and moderators see every version with the changed words marked; others get no History", async () => {
      const { community, practitioner, url, topic } = await cpdTopic('Post history', ['Only prompt?']);
      const moderator = await suite.t.makeMember(community.id, ['moderator'], { displayName: 'Mo Moderator' });
      const other = await suite.t.makeMember(community.id, [], { displayName: 'Quinn Reader' });
      const patAgent = await suite.t.as(practitioner);
      const created = (await patAgent.post(`/api/topics/${topic.id}/posts`, { body: 'Try pair work first.' })).json() as { id: string };
      expect((await patAgent.patch(`/api/posts/${created.id}`, { body: 'Try group work first.', version: 1 })).statusCode).toBe(200);
      expect((await patAgent.patch(`/api/posts/${created.id}`, { body: 'Try group work first, then pairs.', version: 2 })).statusCode).toBe(200);

      const pat = await suite.app.signedInPage(practitioner, 1024);
      await pat.page.goto(url);
      const post = pat.page.locator('stoa-post').filter({ hasText: 'then pairs' });
      await post.waitFor();
      const historyButton = post.getByRole('button', { name: 'History' });
      await historyButton.click();
      const dialog = pat.page.getByRole('dialog', { name: 'History of your post' });
      await dialog.waitFor();
      const versions = dialog.getByRole('listitem');
      await expect.poll(() => versions.count()).toBe(3);
      // Newest first; each version marks what changed since the one before.
      expect(await versions.nth(0).getByRole('heading').textContent()).toBe('Version 3 (current)');
      expect(await versions.nth(0).locator('ins').allTextContents()).toEqual(['[added: , then pairs]']);
      expect(await versions.nth(0).locator('del').count()).toBe(0);
      expect(await versions.nth(1).locator('del').allTextContents()).toEqual(['[removed: pair]']);
      expect(await versions.nth(1).locator('ins').allTextContents()).toEqual(['[added: group]']);
      expect(await versions.nth(2).getByRole('heading').textContent()).toBe('Version 1 (original)');
      expect(await versions.nth(2).locator('.diff').textContent()).toBe('Try pair work first.');
      expect(await axeViolations(pat.page)).toEqual([]);
      // The added and removed words keep AA contrast in dark mode too.
      await pat.page.emulateMedia({ colorScheme: 'dark' });
      expect(await axeViolations(pat.page)).toEqual([]);
      await suite.shot(pat.page, 'post-history-dark-1024', { fullPage: false });
      await pat.page.emulateMedia({ colorScheme: 'light' });
      await dialog.getByRole('button', { name: 'Close' }).click();
      await expect.poll(() => historyButton.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);

      // A moderator opens it too.
      const mo = await suite.app.signedInPage(moderator, 1024);
      await mo.page.goto(url);
      await mo.page.locator('stoa-post').filter({ hasText: 'then pairs' }).getByRole('button', { name: 'History' }).click();
      await expect.poll(() => mo.page.getByRole('dialog', { name: 'History of Pat Practitioner’s post' }).getByRole('listitem').count()).toBe(3);

      // Anyone else sees that it was edited, but no History (and the server refuses it).
      const quinn = await suite.app.signedInPage(other, 1024);
      await quinn.page.goto(url);
      const seen = quinn.page.locator('stoa-post').filter({ hasText: 'then pairs' });
      await seen.waitFor();
      expect(await seen.locator('header').textContent()).toMatch(/edited/);
      expect(await seen.getByRole('button', { name: 'History' }).count()).toBe(0);
      expect((await (await suite.t.as(other)).get(`/api/posts/${created.id}/revisions`)).statusCode).toBe(403);
      for (const p of [pat, mo, quinn]) expect(p.errors).toEqual([]);
    });

    it('live preview and drafts in a new CPD topic and in an edit: reloaded, the forms come back as they were', async () => {
      const { community, facilitator, practitioner, url, topic } = await cpdTopic('Preview and drafts', ['Only prompt?']);
      const fran = await suite.app.signedInPage(facilitator, 1024);
      await fran.page.goto(`${suite.base}/c/${community.slug}`);
      await fran.page.getByRole('button', { name: 'New CPD topic' }).click();
      await fran.page.getByLabel('Title').fill('Dictogloss');
      await fran.page.getByLabel('Article').fill('A dictogloss is a *reconstruction* task.');
      await fran.page.getByRole('textbox', { name: 'Prompt 1', exact: true }).fill('Have you **tried** one?');
      await expect.poll(() => fran.page.getByRole('region', { name: 'Preview of the reading' }).locator('em').textContent()).toBe('reconstruction');
      await expect.poll(() => fran.page.getByRole('region', { name: 'Preview of prompt 1' }).locator('strong').textContent()).toBe('tried');
      await fran.page.getByLabel('Opens at').fill('2031-05-10T10:00');

      await fran.page.reload();
      await fran.page.getByRole('button', { name: 'New CPD topic' }).click();
      await expect.poll(() => fran.page.getByLabel('Title').inputValue()).toBe('Dictogloss');
      expect(await fran.page.getByLabel('Article').inputValue()).toBe('A dictogloss is a *reconstruction* task.');
      expect(await fran.page.getByRole('textbox', { name: 'Prompt 1', exact: true }).inputValue()).toBe('Have you **tried** one?');
      expect(await fran.page.getByLabel('Opens at').inputValue()).toBe('2031-05-10T10:00');
      expect(await fran.page.getByText('Your unsent draft is restored.').count()).toBe(1);
      expect(await fran.page.getByRole('region', { name: 'Preview of the reading' }).locator('em').textContent()).toBe('reconstruction');
      await fran.page.getByLabel('Opens at').fill('');
      await fran.page.getByRole('button', { name: 'Create CPD topic' }).click();
      await fran.page.waitForURL(new RegExp(`/c/${community.slug}/t/[0-9a-f-]{36}$`));
      expect(await fran.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('stoa:draft:')))).toEqual([]);

      // An edit of my post: previewed, kept through a reload (the edit box reopens), gone once saved.
      const patAgent = await suite.t.as(practitioner);
      expect((await patAgent.post(`/api/topics/${topic.id}/posts`, { body: 'My first version.' })).statusCode).toBe(201);
      const pat = await suite.app.signedInPage(practitioner, 1024);
      await pat.page.goto(url);
      const post = pat.page.locator('stoa-post').filter({ hasText: 'My first version.' });
      await post.getByRole('button', { name: 'Edit' }).click();
      await post.getByLabel('Edit your post').fill('My *second* version.');
      await expect.poll(() => post.getByRole('region', { name: 'Preview of your edit' }).locator('em').textContent()).toBe('second');
      await pat.page.reload();
      const again = pat.page.locator('stoa-post').filter({ hasText: 'My first version.' });
      await expect.poll(() => again.getByLabel('Edit your post').inputValue()).toBe('My *second* version.');
      await again.getByRole('button', { name: 'Save edit' }).click();
      await expect.poll(() => pat.page.locator('stoa-post article > .prose em').textContent()).toBe('second');
      expect(await pat.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('stoa:draft:')))).toEqual([]);
      expect(fran.errors).toEqual([]);
      expect(pat.errors).toEqual([]);
    });

    it("a facilitator edits the topic's title, article, schedule and a prompt from the page; the history shows the old words", async () => {
      const { facilitator, practitioner, url, topic } = await cpdTopic('Editing', ['What did you notice?', 'What will you try?']);
      const fran = await suite.app.signedInPage(facilitator, 1024);
      await fran.page.goto(url);
      await expect.poll(() => heading(fran.page)).toBe('Editing: the topic');

      await fran.page.getByRole('button', { name: 'Edit topic' }).click();
      const form = fran.page.locator('stoa-topic-edit-form');
      const title = form.getByLabel('Title');
      await expect.poll(() => title.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
      await title.fill('Editing, revised');
      await form.getByLabel('Article').fill('An article about **peer coaching**, not observation.');
      await expect.poll(() => form.getByRole('region', { name: 'Preview of your changes' }).locator('strong').textContent()).toBe('peer coaching');
      // Unsaved changes survive a reload: the form opens again with them.
      await fran.page.reload();
      await expect.poll(() => form.getByLabel('Article').inputValue()).toBe('An article about **peer coaching**, not observation.');
      expect(await title.inputValue()).toBe('Editing, revised');
      expect(await form.getByText('Your unsaved changes are restored.').count()).toBe(1);
      // A schedule the server refuses: the field it names is marked and focused, nothing is saved.
      await form.getByLabel('Opens at').fill('2031-05-10T10:00');
      await form.getByLabel('Closes at').fill('2031-05-01T10:00');
      await form.getByRole('button', { name: 'Save changes' }).click();
      await expect.poll(() => form.getByLabel('Closes at').getAttribute('aria-invalid')).toBe('true');
      expect(await form.getByLabel('Closes at').evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
      await form.getByLabel('Opens at').fill('');
      await form.getByLabel('Closes at').fill('2031-05-01T10:00');
      await form.getByRole('button', { name: 'Save changes' }).click();
      await expect.poll(() => heading(fran.page)).toBe('Editing, revised');
      // (the live event can show the new words before the save's answer closes the form)
      await expect.poll(() => form.count()).toBe(0);
      expect(await fran.page.locator('section.article strong').textContent()).toBe('peer coaching');
      const closes = await fran.page.locator('p.meta time').first().getAttribute('datetime');
      expect(new Date(closes!).getTime()).toBe(new Date(2031, 4, 1, 10, 0).getTime()); // 10:00 local time, as typed
      expect(await fran.page.title()).toBe('Editing, revised · Stoa');

      // Prompt 1 is reworded in place.
      const prompt1 = fran.page.getByRole('region', { name: 'Prompt 1' });
      await prompt1.getByRole('button', { name: 'Edit prompt' }).click();
      const box = prompt1.getByLabel('Edit prompt 1');
      await expect.poll(() => box.inputValue()).toBe('What did you notice?');
      await box.fill('What did you *notice* first?');
      await expect.poll(() => prompt1.getByRole('region', { name: 'Preview of prompt 1' }).locator('em').textContent()).toBe('notice');
      await prompt1.getByRole('button', { name: 'Save prompt' }).click();
      await expect.poll(() => prompt1.locator(':scope > .prose em').textContent()).toBe('notice');
      await expect.poll(() => prompt1.getByLabel('Edit prompt 1').count()).toBe(0);

      // The topic's history: the old title and article as version 1, the changed words marked in version 2.
      await fran.page.locator('.topic-edit-actions').getByRole('button', { name: 'History' }).click();
      const dialog = fran.page.getByRole('dialog', { name: 'History of the topic' });
      await expect.poll(() => dialog.getByRole('listitem').count()).toBe(2);
      const [current, original] = [dialog.getByRole('listitem').nth(0), dialog.getByRole('listitem').nth(1)];
      expect(await current.getByRole('heading', { level: 3 }).textContent()).toBe('Version 2 (current)');
      // Title "Editing: the topic" → "Editing, revised"; article "**peer observation**." → "**peer coaching**, not observation.".
      const added = await current.locator('ins').allTextContents();
      const removed = await current.locator('del').allTextContents();
      expect(added).toContain('[added: revised]');
      expect(removed).toContain('[removed: the topic]');
      expect(added).toEqual(expect.arrayContaining(['[added: coaching]', '[added: , not observation]']));
      expect(removed).toContain('[removed: observation]');
      expect(await original.locator('.diff').allTextContents()).toEqual(['Editing: the topic', 'An article about **peer observation**.']);
      expect(await axeViolations(fran.page)).toEqual([]);
      await dialog.getByRole('button', { name: 'Close' }).click();
      await prompt1.getByRole('button', { name: 'History' }).click();
      const promptHistory = fran.page.getByRole('dialog', { name: 'History of prompt 1' });
      await expect.poll(() => promptHistory.getByRole('listitem').count()).toBe(2);
      expect(await promptHistory.getByRole('listitem').nth(1).locator('.diff').textContent()).toBe('What did you notice?');
      await promptHistory.getByRole('button', { name: 'Close' }).click();

      // The server kept both versions of each.
      const kept = (await (await suite.t.as(facilitator)).get(`/api/topics/${topic.id}/revisions`)).json().items as Array<{ promptId: string | null; version: number }>;
      expect(kept.filter((r) => r.promptId === null).map((r) => r.version)).toEqual([1, 2]);
      expect(kept.filter((r) => r.promptId === topic.prompts[0]!.id).map((r) => r.version)).toEqual([1, 2]);

      // A practitioner sees the new words and neither Edit nor History.
      const pat = await suite.app.signedInPage(practitioner, 1024);
      await pat.page.goto(url);
      await expect.poll(() => heading(pat.page)).toBe('Editing, revised');
      expect(await pat.page.getByRole('button', { name: 'Edit topic' }).count()).toBe(0);
      expect(await pat.page.getByRole('button', { name: 'Edit prompt' }).count()).toBe(0);
      expect(await pat.page.getByRole('button', { name: 'History' }).count()).toBe(0);
      expect(fran.errors.filter((e) => !e.includes('400'))).toEqual([]);
      expect(pat.errors).toEqual([]);
    });
  },
  { closePagesAfterEach: true },
);
