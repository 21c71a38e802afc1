// Notifications in Chromium: a practitioner mentions another; the bell counts it; the notification opens the post.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportChromium, startBrowserApp, type BrowserApp } from '../helpers/browser.js';

const hasChromium = reportChromium('the notifications browser test');

describe.skipIf(!hasChromium)('notifications in Chromium', () => {
  let app: BrowserApp;
  beforeAll(async () => {
    app = await startBrowserApp();
  });
  afterAll(async () => app?.close());

  it('A mentions B; B\'s bell counts up live; opening it lands on the post and reads it', async () => {
    const { t } = app;
    const community = await t.makeCommunity({ name: 'Notified Trainers' });
    const a = await t.makeMember(community.id, [], { displayName: 'Ana Author' });
    const b = await t.makeMember(community.id, [], { displayName: 'Bea Reader' });
    const ana = await t.as(a);
    const topic = (await ana.post(`/api/communities/${community.id}/topics`, { kind: 'problem', title: 'Quiet groups', body: 'Ideas?' })).json();
    await t.app.notifier.drain();
    await (await t.as(b)).post('/api/notifications/read', { all: true }); // the new topic is not this test's news

    const { page, errors } = await app.signedInPage(b, 390);
    await page.goto(`${app.base}/`);
    const bell = page.getByRole('link', { name: /^Notifications/ });
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications, none unread');

    const post = (await ana.post(`/api/topics/${topic.id}/posts`, { body: '@bea_reader what do you do with quiet groups?' })).json();
    await t.app.notifier.drain();
    // The bell counts up live: the server tells Bea's tab, and only hers.
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications, 1 unread');

    await bell.click();
    const item = page.getByRole('link', { name: 'Unread: Ana Author mentioned you in “Quiet groups”' });
    await item.click();
    await expect.poll(() => page.url()).toContain(`/t/${topic.id}?post=${post.id}`);
    await expect.poll(() => page.getByText('what do you do with quiet groups?').isVisible()).toBe(true);
    // …and the post itself has the keyboard focus (the page went to it).
    const focused = () =>
      page.evaluate(() => {
        let el: Element | null = document.activeElement;
        while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
        return el?.textContent ?? '';
      });
    await expect.poll(focused).toContain('what do you do with quiet groups?');
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications, none unread');

    // Bea answers, mentioning Ana through the composer's autocomplete (keyboard only).
    const box = page.getByRole('textbox', { name: 'Your reply', exact: true });
    await box.click();
    await box.pressSequentially('Thanks @ana');
    const option = page.getByRole('option', { name: /@ana_author/ });
    await expect.poll(() => option.isVisible()).toBe(true);
    await box.press('Enter');
    await expect.poll(() => box.inputValue()).toBe('Thanks @ana_author ');
    await box.pressSequentially('I will try.');
    await expect.poll(() => page.getByText('Mentioned: @ana_author. Members of this community are notified').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Post reply' }).first().click();
    await expect.poll(async () => (await ana.get(`/api/topics/${topic.id}/posts`)).json().items.some((p: { bodyMd: string | null; bodyHtml: string }) => p.bodyHtml.includes('I will try.'))).toBe(true);
    await t.app.notifier.drain();
    const anaNews = (await ana.get('/api/notifications?unread=true')).json().items;
    expect(anaNews.map((n: { kind: string; text: string }) => [n.kind, n.text])).toContainEqual(['mention', 'Bea Reader mentioned you in “Quiet groups”']);

    // The mention links to the profile.
    await page.locator('stoa-post').filter({ hasText: 'what do you do with quiet groups?' }).getByRole('link', { name: '@bea_reader' }).first().click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Bea Reader');
    expect(await page.getByText('@bea_reader', { exact: true }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Notified Trainers' }).isVisible()).toBe(true);
    expect(errors).toEqual([]);
  }, 30_000);
});
