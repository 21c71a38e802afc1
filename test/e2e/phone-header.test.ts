// The header on a phone (320–390 px), in Chromium: one compact row (Stoa, the bell, Menu) and the community's
// tabs, so the page's own content starts near the top; Menu opens the rest (search, account, theme, sign
// out), Escape closes it and gives focus back, opening a page closes it. At 1280 px there is no Menu button.
import { expect, it } from 'vitest';
import { describeInBrowser } from '../helpers/browser.js';

describeInBrowser(
  'phone header in Chromium',
  (suite) => {
    it('is one row plus the tabs at 320–390 px, with the rest behind Menu', async () => {
      const community = await suite.t.makeCommunity({ name: 'Pocket Trainers' });
      const member = await suite.t.makeMember(community.id, [], { displayName: 'Pat Phone' });
      await (await suite.t.as(member)).post(`/api/communities/${community.id}/topics`, { kind: 'problem', title: 'Small screens', body: 'Hello.' });
      for (const width of [320, 360, 390]) {
        const { page, errors } = await suite.app.signedInPage(member, width);
        await page.goto(`${suite.base}/c/${community.slug}`);
        await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Pocket Trainers');
        // The heading shows before the topic list arrives: wait for the list, so the header is measured as a member sees it.
        await expect.poll(() => page.getByRole('link', { name: 'Small screens' }).isVisible()).toBe(true);
        const banner = page.getByRole('banner');
        const height = (await banner.boundingBox())!.height;
        expect(height, `header at ${width} px`).toBeLessThan(130);
        const h1Top = (await page.getByRole('heading', { level: 1 }).boundingBox())!.y;
        expect(h1Top, `page heading at ${width} px`).toBeLessThan(200);
        expect(await suite.noHorizontalScroll(page)).toBe(true);

        await suite.shot(page, `phone-header-${width}`, { fullPage: false });
        // Closed: the bell and Menu show; search and sign-out wait behind Menu.
        const menu = banner.getByRole('button', { name: 'Menu' });
        expect(await menu.getAttribute('aria-expanded')).toBe('false');
        expect(await banner.getByRole('link', { name: /^Notifications/ }).isVisible()).toBe(true);
        expect(await banner.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(false);
        await menu.click();
        expect(await menu.getAttribute('aria-expanded')).toBe('true');
        expect(await banner.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
        expect(await banner.getByRole('combobox', { name: 'Theme' }).isVisible()).toBe(true);
        expect(await suite.noHorizontalScroll(page)).toBe(true);
        await suite.shot(page, `phone-header-menu-${width}`);
        // Escape closes it and focus returns to Menu.
        await banner.getByRole('link', { name: 'My communities' }).focus();
        await page.keyboard.press('Escape');
        await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('false');
        expect(await page.evaluate(() => document.querySelector('stoa-app')?.shadowRoot?.querySelector('stoa-header')?.shadowRoot?.activeElement?.textContent)).toBe('Menu');
        // Opening a page from the menu closes it.
        await menu.click();
        await banner.getByRole('link', { name: 'My communities' }).click();
        await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('My communities');
        await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('false');
        // `/` opens the menu and puts the keyboard in the search box.
        await page.keyboard.press('/');
        await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('true');
        expect(errors).toEqual([]);
        await suite.app.closePages();
      }
    });

    it('has no Menu button at 1280 px: everything is in the bar', async () => {
      const community = await suite.t.makeCommunity({ name: 'Desk Trainers' });
      const member = await suite.t.makeMember(community.id, []);
      const { page } = await suite.app.signedInPage(member, 1280);
      await page.goto(`${suite.base}/c/${community.slug}`);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Desk Trainers');
      const banner = page.getByRole('banner');
      expect(await banner.getByRole('button', { name: 'Menu' }).isVisible()).toBe(false);
      expect(await banner.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
      expect(await banner.getByRole('combobox', { name: /^Search/ }).isVisible()).toBe(true);
    });
  },
  { closePagesAfterEach: true },
);
