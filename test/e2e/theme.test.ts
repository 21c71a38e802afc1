// Dark mode in Chromium: the page follows prefers-color-scheme until the member chooses light or dark in
// the header's switch; the choice is remembered (localStorage) across reloads, and "System" forgets it.
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeInBrowser } from '../helpers/browser.js';

/** The page background and the header's text colour, as the browser computed them. */
const colours = (page: Page) =>
  page.evaluate(() => ({
    page: getComputedStyle(document.body).backgroundColor,
    text: getComputedStyle(document.body).color,
  }));
const LIGHT = { page: 'rgb(245, 246, 248)', text: 'rgb(27, 31, 36)' };
const DARK = { page: 'rgb(18, 20, 23)', text: 'rgb(228, 231, 235)' };

describeInBrowser(
  'dark mode in Chromium',
  (suite) => {
    it('follows the system scheme, and a chosen scheme wins and is remembered until "System" is chosen again', async () => {
      const community = await suite.t.makeCommunity({ name: 'Night Owls' });
      const member = await suite.t.makeMember(community.id, []);
      const { page, errors } = await suite.app.signedInPage(member, 1280);
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.goto(`${suite.base}/c/${community.slug}`);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Night Owls');
      expect(await colours(page)).toEqual(DARK);
      await page.emulateMedia({ colorScheme: 'light' });
      await expect.poll(() => colours(page)).toEqual(LIGHT);

      // Choose dark while the system is light: dark, and still dark after a reload.
      const theme = page.getByRole('combobox', { name: 'Theme' });
      expect(await theme.inputValue()).toBe('system');
      await theme.selectOption('dark');
      await expect.poll(() => colours(page)).toEqual(DARK);
      await page.reload();
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Night Owls');
      expect(await colours(page)).toEqual(DARK);
      expect(await page.getByRole('combobox', { name: 'Theme' }).inputValue()).toBe('dark');
      expect(await page.evaluate(() => localStorage.getItem('stoa-theme'))).toBe('dark');

      // Light while the system is dark.
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.getByRole('combobox', { name: 'Theme' }).selectOption('light');
      await expect.poll(() => colours(page)).toEqual(LIGHT);

      // "System" forgets the choice and follows the system again.
      await page.getByRole('combobox', { name: 'Theme' }).selectOption('system');
      await expect.poll(() => colours(page)).toEqual(DARK);
      expect(await page.evaluate(() => localStorage.getItem('stoa-theme'))).toBeNull();
      expect(errors).toEqual([]);
    });

    it('offers the switch to signed-out visitors too', async () => {
      const context = await suite.browser.newContext({ viewport: { width: 360, height: 740 }, colorScheme: 'dark' });
      const page = await context.newPage();
      await page.goto(`${suite.base}/login`);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
      expect(await colours(page)).toEqual(DARK);
      await page.getByRole('combobox', { name: 'Theme' }).selectOption('light');
      await expect.poll(() => colours(page)).toEqual(LIGHT);
      expect(await suite.noHorizontalScroll(page)).toBe(true);
      await context.close();
    });
  },
  { closePagesAfterEach: true },
);
