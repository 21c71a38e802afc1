// History and editing in a real browser (issue 16): prompts open their composer on demand, quoting a
// selection, the revision viewer for posts and topics, live preview and drafts in every markdown form, and
// the facilitator editing a topic from its page. Needs the built client (`npm run build`) and Debian's
// Chromium; skipped with a printed reason without Chromium.
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeInBrowser } from '../helpers/browser.js';

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
  },
  { closePagesAfterEach: true },
);
