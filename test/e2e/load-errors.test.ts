// Pages that fail to load, in Chromium: a topic or community the member may not see (or that is not there)
// gets a heading and a real document title and no "Try again" (it would only be refused again); a server
// failure (5xx) gets "Try again", and trying again works once the server answers.
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeInBrowser } from '../helpers/browser.js';

describeInBrowser(
  'failed page loads in Chromium',
  (suite) => {
    it('a topic that is not there, or in a community I am not in: "not found", its title, no "Try again"', async () => {
      const mine = await suite.t.makeCommunity({ name: 'My Circle' });
      const other = await suite.t.makeCommunity({ name: 'Closed Circle' });
      const member = await suite.t.makeMember(mine.id, []);
      const outsider = await suite.t.makeMember(other.id, []);
      const theirs = (await (await suite.t.as(outsider)).post(`/api/communities/${other.id}/topics`, { kind: 'problem', title: 'Private matter', body: 'Ours only.' })).json();
      const { page, errors } = await suite.app.signedInPage(member, 360, { expectedErrors: [/status of 404/] });

      for (const path of [`/c/${mine.slug}/t/${randomUUID()}`, `/c/${other.slug}/t/${theirs.id}`]) {
        await page.goto(`${suite.base}${path}`);
        await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Topic not found');
        await expect.poll(() => page.title()).toBe('Topic not found · Stoa');
        expect(await page.getByRole('alert').count()).toBeGreaterThan(0);
        expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
        expect(await page.getByText('Private matter').count()).toBe(0);
      }

      await page.goto(`${suite.base}/c/${other.slug}`);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Community not found');
      await expect.poll(() => page.title()).toBe('Community not found · Stoa');
      expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
      expect(errors).toEqual([]);
    });

    it('a server failure offers "Try again", which loads the topic once the server answers', async () => {
      const community = await suite.t.makeCommunity({ name: 'Flaky Circle' });
      const member = await suite.t.makeMember(community.id, []);
      const topic = (await (await suite.t.as(member)).post(`/api/communities/${community.id}/topics`, { kind: 'problem', title: 'Worth the wait', body: 'Hello.' })).json();
      const { page, errors } = await suite.app.signedInPage(member, 1280, { expectedErrors: [/status of 503/] });
      const failing = `**/api/topics/${topic.id}`;
      await page.route(failing, (route) =>
        route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ status: 503, code: 'unavailable', title: 'Unavailable', detail: 'Stoa is busy.' }) }),
      );
      await page.goto(`${suite.base}/c/${community.slug}/t/${topic.id}`);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Could not load the topic');
      await expect.poll(() => page.title()).toBe('Could not load the topic · Stoa');
      await page.unroute(failing);
      await page.getByRole('button', { name: 'Try again' }).click();
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Worth the wait');
      expect(await page.title()).toBe('Worth the wait · Stoa');
      expect(errors).toEqual([]);
    });
  },
  { closePagesAfterEach: true },
);
