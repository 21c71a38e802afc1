// Accounts in Chromium, with mail through a real SMTP server: a forgotten password is reset from the mailed
// link; the account page changes the profile and the password.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD, testConfig } from '../helpers/app.js';
import { reportChromium, startBrowserApp, type BrowserApp } from '../helpers/browser.js';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

const hasChromium = reportChromium('the account browser test');

describe.skipIf(!hasChromium)('accounts in Chromium', () => {
  let app: BrowserApp;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    app = await startBrowserApp({ mail: { ...testConfig().mail, smtpUrl: smtp.url, retryBaseMs: 50 } });
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
  });

  it('resets a forgotten password from the mailed link, then signs in with the new one', async () => {
    const { t, browser, base } = app;
    const user = await t.makeUser({ displayName: 'Forgetful Fran', email: 'fran@example.org' });
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    page.setDefaultTimeout(8_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 401/.test(m.text())) errors.push(m.text());
    });

    await page.goto(`${base}/login`);
    await page.getByRole('link', { name: 'Forgotten your password?' }).click();
    await page.getByLabel('Email').fill('fran@example.org');
    await page.getByRole('button', { name: 'Mail me a link' }).click();
    await expect.poll(() => page.getByText('If an account uses this address').isVisible()).toBe(true);

    const [mail] = await smtp.waitFor(1);
    expect(mail!.to).toEqual(['fran@example.org']);
    const link = /http:\/\/127\.0\.0\.1:\d+\/reset-password\?token=[A-Za-z0-9_%-]+/.exec(mail!.parsed.text ?? '')?.[0];
    expect(link).toBeDefined();
    await page.goto(link!);
    await page.getByLabel('New password').fill('a much better password');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await expect.poll(() => page.getByText('Your new password is set').isVisible()).toBe(true);

    await page.getByRole('link', { name: 'Sign in' }).first().click();
    await page.getByLabel('Email').fill('fran@example.org');
    await page.getByLabel('Password').fill('a much better password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Signed in (at 360 px who I am is in the header's menu).
    await page.getByRole('button', { name: 'Menu' }).click();
    await expect.poll(() => page.getByText(`Signed in as ${user.displayName}`).isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  }, 30_000);

  it('changes the profile and the password on the account page', async () => {
    const { t } = app;
    const user = await t.makeUser({ displayName: 'Paula Profile' });
    const { page, errors } = await app.signedInPage(user, 1024);
    await page.goto(`${app.base}/`);
    await page.getByRole('link', { name: 'Paula Profile' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'My account', level: 1 }).isVisible()).toBe(true);
    expect(await page.getByLabel('Handle').inputValue()).toBe('paula_profile');
    expect(await page.getByText('not confirmed').isVisible()).toBe(true);

    await page.getByLabel('Handle').fill('paula');
    await page.getByLabel('What I can help with').fill('Observation feedback, CELTA');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await expect.poll(() => page.locator('stoa-account-page').getByText('Your profile is saved.').isVisible()).toBe(true);
    const me = await (await t.as(user)).get('/api/me');
    expect(me.json()).toMatchObject({ handle: 'paula', expertise: 'Observation feedback, CELTA' });

    // A wrong current password is refused on its field; the right one changes it.
    await page.getByLabel('Current password', { exact: true }).last().fill('not my password');
    await page.getByLabel('New password').fill('another good password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => page.locator('stoa-account-page').getByText('Your current password is not right.').isVisible()).toBe(true);
    await page.getByLabel('Current password', { exact: true }).last().fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => page.locator('stoa-account-page').getByText('Your password is changed.').isVisible()).toBe(true);
    expect((await t.anonymous.post('/api/auth/login', { email: user.email, password: 'another good password' })).statusCode).toBe(200);
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
  }, 30_000);
});
