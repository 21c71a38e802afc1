// A reply that arrives live and is then removed (or withdrawn) before the reader scrolls to it: the
// "1 new reply ↓" pill goes, and the topic's reply count no longer includes it. In Chromium against a real
// server, with the live feed. Needs the built client (`npm run build`) and Debian's Chromium.
import { expect, it } from 'vitest';
import { describeInBrowser } from '../helpers/browser.js';

const LIVE = { timeout: 6_000 };

describeInBrowser('live removal in Chromium', (suite) => {
  it('the new-reply pill and the reply count drop a reply that is removed or withdrawn', async () => {
    const community = await suite.t.makeCommunity({ name: 'Live Removal Community' });
    const facilitator = await suite.t.makeMember(community.id, ['facilitator'], { displayName: 'Fran Facilitator' });
    const moderator = await suite.t.makeMember(community.id, ['moderator'], { displayName: 'Mo Moderator' });
    const practitioner = await suite.t.makeMember(community.id, [], { displayName: 'Pat Practitioner' });
    const article = Array.from({ length: 14 }, (_, i) => `Paragraph ${i + 1} of a long article, so the discussion starts below the fold.`).join('\n\n');
    const topicRes = await (await suite.t.as(facilitator)).post(`/api/communities/${community.id}/topics`, { kind: 'cpd', title: 'Long read', article, prompts: [{ body: 'What stood out?' }] });
    expect(topicRes.statusCode, topicRes.body).toBe(201);
    const topic = topicRes.json() as { id: string };

    const fran = await suite.app.signedInPage(facilitator, 360);
    await fran.page.goto(`${suite.base}/c/${community.slug}/t/${topic.id}`);
    await expect.poll(() => fran.page.getByRole('banner').textContent(), LIVE).toMatch(/\blive\b/);
    const meta = fran.page.locator('p.meta').first(); // the topic's line, not a prompt's
    await expect.poll(() => meta.textContent()).toContain('0 replies');
    const pill = fran.page.getByRole('button', { name: /new repl/ });

    const P = await suite.t.as(practitioner);
    const M = await suite.t.as(moderator);
    const reply = async (body: string) => {
      const res = await P.post(`/api/topics/${topic.id}/posts`, { body });
      expect(res.statusCode, res.body).toBe(201);
      return (res.json() as { id: string }).id;
    };

    // Two replies arrive below the fold: the pill counts them, and so does the topic.
    const removed = await reply('Buy essays at spam.example');
    const withdrawn = await reply('Posted in the wrong topic, sorry.');
    await expect.poll(() => pill.textContent(), LIVE).toMatch(/^2 new replies ↓$/);
    expect(await meta.textContent()).toContain('2 replies');
    expect(await fran.page.evaluate(() => window.scrollY)).toBe(0);

    // A moderator removes one: it leaves the pill and the count.
    expect((await M.post(`/api/posts/${removed}/removal`, { reason: 'Spam' })).statusCode).toBe(200);
    await expect.poll(() => pill.textContent(), LIVE).toMatch(/^1 new reply ↓$/);
    await expect.poll(() => meta.textContent()).toContain('1 reply');
    // Its author withdraws the other: no pill left, no reply counted.
    expect((await P.delete(`/api/posts/${withdrawn}`)).statusCode).toBe(200);
    await expect.poll(() => pill.count(), LIVE).toBe(0);
    await expect.poll(() => meta.textContent()).toContain('0 replies');

    // Restored: counted again (it is not new to point to any more: the reader was told of it once).
    expect((await M.delete(`/api/posts/${removed}/removal`)).statusCode).toBe(200);
    await expect.poll(() => meta.textContent(), LIVE).toContain('1 reply');
    // A reload agrees with the live counts.
    await fran.page.reload();
    await expect.poll(() => fran.page.locator('p.meta').first().textContent()).toContain('1 reply');

    expect(fran.errors).toEqual([]);
  }, 30_000);
}, { closePagesAfterEach: true });
