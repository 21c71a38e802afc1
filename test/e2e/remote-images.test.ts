// Images from other sites in members' markdown are not loaded until the reader clicks their placeholder:
// a second local HTTP server stands in for "another site" and counts the requests it gets. Images from
// Stoa's own origin load as usual. In Chromium against a real server; needs `npm run build`.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import { describeInBrowser, freePort } from '../helpers/browser.js';

// A 1×1 transparent PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

describeInBrowser('images from other sites in Chromium', (suite) => {
  let other: Server;
  let otherHost = '';
  const requests: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    other = createServer((req, res) => {
      requests.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length });
      res.end(PNG);
    });
    await new Promise<void>((resolve) => other.listen(port, '127.0.0.1', resolve));
    // "localhost", not 127.0.0.1: another origin than Stoa's whatever address Stoa is served on.
    otherHost = `localhost:${port}`;
  });
  afterAll(async () => new Promise<void>((resolve) => other.close(() => resolve())));

  it('no request reaches the other site before the reader clicks; own-origin images show at once', async () => {
    const community = await suite.t.makeCommunity({ name: 'Images Community' });
    const author = await suite.t.makeMember(community.id, [], { displayName: 'Ann Author' });
    const reader = await suite.t.makeMember(community.id, [], { displayName: 'Pat Practitioner' });
    const A = await suite.t.as(author);
    const topicRes = await A.post(`/api/communities/${community.id}/topics`, {
      kind: 'problem',
      title: 'Seating plans',
      body: `Here is my room:\n\n![the seating plan](http://${otherHost}/plan.png)`,
    });
    expect(topicRes.statusCode, topicRes.body).toBe(201);
    const topic = topicRes.json() as { id: string };
    const ownImage = `${suite.base}/own-image.png`;
    const reply = await A.post(`/api/topics/${topic.id}/posts`, { body: `And the chart:\n\n![chart](http://${otherHost}/chart.png)\n\nOurs: ![logo](${ownImage})` });
    expect(reply.statusCode, reply.body).toBe(201);

    // The stored HTML already holds the placeholder, not the image.
    const stored = (await (await suite.t.as(reader)).get(`/api/topics/${topic.id}/posts`)).json().items[0].bodyHtml as string;
    expect(stored).toContain(`data-stoa-image="chart">Show image from ${otherHost}: chart</a>`);
    expect(stored).not.toMatch(/<img[^>]+localhost/);

    const pat = await suite.app.signedInPage(reader, 1024, { expectedErrors: [/own-image\.png|404/] });
    await pat.page.goto(`${suite.base}/c/${community.slug}/t/${topic.id}`);
    const plan = pat.page.getByRole('link', { name: `Show image from ${otherHost}: the seating plan` });
    const chart = pat.page.getByRole('link', { name: `Show image from ${otherHost}: chart` });
    await expect.poll(() => chart.isVisible()).toBe(true);
    expect(await plan.isVisible()).toBe(true);
    // Stoa's own image is an image at once.
    expect(await pat.page.locator(`stoa-post img[src="${ownImage}"]`).count()).toBe(1);
    // Nothing reached the other site: no <img> points there, and its server saw no request.
    expect(await pat.page.locator(`img[src*="${otherHost}"]`).count()).toBe(0);
    expect(requests).toEqual([]);
    await suite.shot(pat.page, 'remote-image-placeholder-1024');
    expect(await axeViolations(pat.page, { alsoRules: ['region'] })).toEqual([]);
    expect(requests).toEqual([]); // axe looked at the page without loading anything either

    // The reader asks for one image: only that one is fetched, and it shows in the placeholder's place.
    await chart.click();
    const img = pat.page.locator(`stoa-post img[src="http://${otherHost}/chart.png"]`);
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth)).toBe(1);
    expect(await img.getAttribute('alt')).toBe('chart');
    expect(requests).toEqual(['/chart.png']);
    expect(await chart.count()).toBe(0);
    // With the keyboard: Enter on the article's placeholder.
    await plan.focus();
    await pat.page.keyboard.press('Enter');
    await expect.poll(() => pat.page.locator(`img[src="http://${otherHost}/plan.png"]`).count()).toBe(1);
    await expect.poll(() => requests.length).toBe(2);
    expect(requests[1]).toBe('/plan.png');
    expect(pat.page.url()).toContain(`/t/${topic.id}`); // still on the topic: the link did not navigate

    expect(pat.errors.filter((e) => !/own-image|404/.test(e))).toEqual([]);
  }, 30_000);
}, { closePagesAfterEach: true });
