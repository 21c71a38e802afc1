// The client shell in a real browser against a real server: register through an invite link, see the
// community, sign out, sign in again, see it in the list. Needs the built client (`npm run build`,
// which `npm test` runs first) and Debian's Chromium; skipped with a printed reason without Chromium.
import { expect, it } from 'vitest';
import type { ConsoleMessage, Page } from 'playwright-core';
import { describeInBrowser } from '../helpers/browser.js';

describeInBrowser('client shell in Chromium', (suite) => {
  /**
   * Console errors and uncaught exceptions. Chromium logs every 4xx response as a console error; the only
   * ones allowed are listed in `expected` (e.g. the 401 from /api/me when the app checks for a session).
   */
  function collectErrors(page: Page, expected: Array<[path: string, status: number]> = [['/api/me', 401]]): string[] {
    // Fail a step within seconds (with the locator named), well inside the test's own timeout.
    page.setDefaultTimeout(8_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    page.on('console', (msg: ConsoleMessage) => {
      if (msg.type() !== 'error') return;
      const isExpected = expected.some(([path, status]) => msg.location().url.endsWith(path) && msg.text().includes(`status of ${status}`));
      if (!isExpected) errors.push(`console: ${msg.text()} (${msg.location().url})`);
    });
    return errors;
  }

  it('registers through an invite link, signs out, signs in again and finds the community', async () => {
    const community = await suite.t.makeCommunity({ name: 'Riverside Teacher Trainers' });
    const facilitator = await suite.t.as(await suite.t.makeMember(community.id, ['facilitator']));
    const created = await facilitator.post(`/api/communities/${community.id}/invites`, { roles: [] });
    expect(created.statusCode).toBe(201);
    const inviteUrl: string = created.json().url;
    expect(inviteUrl.startsWith(`${suite.base}/invite/`)).toBe(true);

    // A phone-sized window: the whole flow must work at 360 px.
    const context = await suite.browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    // The 401s: /api/me while signed out, and the deliberately wrong password below.
    const errors = collectErrors(page, [['/api/me', 401], ['/api/auth/login', 401]]);
    // How the client's script arrives: Brotli-compressed (the build's .br copy), and kept by the browser for good.
    const script = page.waitForResponse((response) => /\/assets\/[^/]+\.js$/.test(response.url()));

    // The invite link, signed out: the page offers an account form.
    await page.goto(inviteUrl);
    const scriptHeaders = (await script).headers();
    expect(scriptHeaders['content-encoding']).toBe('br');
    expect(scriptHeaders['cache-control']).toBe('public, max-age=31536000, immutable');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('You are invited to a community');

    // Keyboard: the first Tab reaches the skip link.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.querySelector('stoa-app')?.shadowRoot?.activeElement?.textContent)).toBe('Skip to main content');

    await page.getByLabel('Display name').fill('Dana Okafor');
    await page.getByLabel('Email').fill('dana@example.test');
    await page.getByLabel('Password', { exact: true }).fill('a long enough passphrase');
    await page.getByRole('button', { name: 'Create account and join' }).click();

    // Straight to the community page, with my roles, and the header says who I am there.
    await page.waitForURL(`${suite.base}/c/${community.slug}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Riverside Teacher Trainers');
    expect(await page.getByRole('banner').textContent()).toMatch(/Signed in as\s*Dana Okafor/);
    expect(await page.getByRole('banner').textContent()).toMatch(/In\s*Riverside Teacher Trainers:\s*practitioner/);
    expect(await page.getByRole('region', { name: 'Topics' }).isVisible()).toBe(true);
    // A practitioner sees neither the invite form nor the member list.
    expect(await page.getByRole('region', { name: 'Invite someone' }).count()).toBe(0);
    expect(await page.getByRole('region', { name: 'Members' }).count()).toBe(0);
    expect(await page.title()).toBe('Riverside Teacher Trainers · Stoa');
    expect(await suite.noHorizontalScroll(page)).toBe(true);
    if (process.env.STOA_SCREENSHOT) await page.screenshot({ path: process.env.STOA_SCREENSHOT, fullPage: true });

    // Sign out (at 360 px it is in the header's menu): back to the sign-in form, and the session is really gone.
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${suite.base}/login`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    expect((await page.request.get(`${suite.base}/api/me`)).status()).toBe(401);

    // A wrong password shows the server's message in the alert region.
    await page.getByLabel('Email').fill('dana@example.test');
    await page.getByLabel('Password').fill('not my passphrase');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toBe('Email or password is wrong.');

    // Sign in: the community is in my list and opens from there.
    await page.getByLabel('Password').fill('a long enough passphrase');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${suite.base}/`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('My communities');
    const link = page.getByRole('link', { name: 'Riverside Teacher Trainers' });
    await link.waitFor();
    expect(await suite.noHorizontalScroll(page)).toBe(true);
    await link.click();
    await page.waitForURL(`${suite.base}/c/${community.slug}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Riverside Teacher Trainers');

    // A deep link opened directly (server falls back to index.html) renders the same page.
    await page.goto(`${suite.base}/c/${community.slug}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Riverside Teacher Trainers');

    expect(errors).toEqual([]);
    await context.close();
  });

  it('gives a facilitator an invite form that shows a working link, and a member list', async () => {
    const community = await suite.t.makeCommunity({ name: 'Harbour Mentors' });
    const facilitator = await suite.t.makeMember(community.id, ['facilitator'], { displayName: 'Fran Facilitator' });
    const agent = await suite.t.as(facilitator);

    const context = await suite.browser.newContext({ viewport: { width: 360, height: 740 } });
    await context.addCookies([{ name: 'stoa_session', value: agent.cookie!, url: suite.base }]);
    const page = await context.newPage();
    const errors = collectErrors(page);

    await page.goto(`${suite.base}/c/${community.slug}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Harbour Mentors');
    expect(await page.getByRole('banner').textContent()).toMatch(/practitioner, facilitator/);

    // Facilitators invite practitioners only: no role choice.
    const invite = page.getByRole('region', { name: 'Invite someone' });
    expect(await invite.getByRole('checkbox').count()).toBe(0);
    await invite.getByRole('button', { name: 'Create invite link' }).click();
    const linkField = invite.getByLabel('Invite link');
    await linkField.waitFor();
    const url = await linkField.inputValue();
    expect(url).toMatch(new RegExp(`^${suite.base}/invite/[A-Za-z0-9_-]{10,}$`));
    expect(await invite.locator('#invite-expiry').textContent()).toMatch(/Anyone with it can join\.\s+Expires/);

    // The member list shows me; a facilitator cannot change roles.
    const members = page.getByRole('region', { name: 'Members' });
    await members.getByText('Fran Facilitator').waitFor();
    expect(await members.getByRole('button', { name: 'Save roles' }).count()).toBe(0);
    expect(await suite.noHorizontalScroll(page)).toBe(true);
    if (process.env.STOA_SCREENSHOT) await page.screenshot({ path: process.env.STOA_SCREENSHOT.replace(/\.png$/, '-facilitator.png'), fullPage: true });

    expect(errors).toEqual([]);
    await context.close();
  });
  it('lets a manager change roles, and a signed-in member accept an invite with one click', async () => {
    const community = await suite.t.makeCommunity({ name: 'Lakeside Coaches' });
    const manager = await suite.t.makeMember(community.id, ['manager'], { displayName: 'Mo Manager' });
    const practitioner = await suite.t.makeMember(community.id, [], { displayName: 'Pat Practitioner' });
    const managerAgent = await suite.t.as(manager);

    const context = await suite.browser.newContext({ viewport: { width: 1024, height: 800 } });
    await context.addCookies([{ name: 'stoa_session', value: managerAgent.cookie!, url: suite.base }]);
    const page = await context.newPage();
    // The 422: the unknown invite link below.
    const errors = collectErrors(page, [['/accept', 422]]);

    await page.goto(`${suite.base}/c/${community.slug}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Lakeside Coaches');
    // Managers may invite straight into a role; such a link works once, and the form says so.
    const inviteForm = page.getByRole('region', { name: 'Invite someone' });
    expect(await inviteForm.getByRole('checkbox').count()).toBe(3);
    await inviteForm.getByLabel('moderator').check();
    await inviteForm.getByRole('button', { name: 'Create invite link' }).click();
    await inviteForm.getByLabel('Invite link').waitFor();
    expect(await inviteForm.locator('#invite-expiry').textContent()).toMatch(/Works once/);

    const editor = page.getByRole('group', { name: 'Added roles for Pat Practitioner' });
    await editor.getByLabel('moderator').check();
    const row = page.getByRole('listitem').filter({ has: editor });
    await row.getByRole('button', { name: 'Save roles' }).click();
    await expect.poll(() => row.getByRole('status').textContent()).toBe('Saved: practitioner, moderator.');
    const members = (await managerAgent.get(`/api/communities/${community.id}/members`)).json().items as Array<{ userId: string; roles: string[] }>;
    expect(members.find((m) => m.userId === practitioner.id)?.roles).toEqual(['moderator']);
    if (process.env.STOA_SCREENSHOT) await page.screenshot({ path: process.env.STOA_SCREENSHOT.replace(/\.png$/, '-manager.png'), fullPage: true });

    // Someone already signed in opens an invite link for another community and accepts it.
    const other = await suite.t.makeCommunity({ name: 'Hillside Readers' });
    const otherFacilitator = await suite.t.as(await suite.t.makeMember(other.id, ['facilitator']));
    const inviteUrl: string = (await otherFacilitator.post(`/api/communities/${other.id}/invites`, { roles: [] })).json().url;
    await page.goto(inviteUrl);
    await page.getByRole('button', { name: 'Accept invite' }).click();
    await page.waitForURL(`${suite.base}/c/${other.slug}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Hillside Readers');
    expect(await page.getByRole('banner').textContent()).toMatch(/In\s*Hillside Readers:\s*practitioner/);

    // An unknown (or expired) link: the server's message is shown, nothing else happens.
    await page.goto(`${suite.base}/invite/not-a-real-invite-token`);
    await page.getByRole('button', { name: 'Accept invite' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toBe('This invite link is unknown, used or expired.');
    expect(page.url()).toBe(`${suite.base}/invite/not-a-real-invite-token`);

    expect(errors).toEqual([]);
    await context.close();
  });
  it('says so when the server cannot be reached, instead of pretending to be signed out, and recovers', async () => {
    const context = await suite.browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    page.setDefaultTimeout(8_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.route('**/api/me', (route) => route.abort('internetdisconnected'));

    await page.goto(`${suite.base}/`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Stoa is out of reach');
    expect(await page.getByRole('alert').textContent()).toBe('Could not reach Stoa. Check your connection and try again.');
    expect(page.url()).toBe(`${suite.base}/`);

    await page.unroute('**/api/me');
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.waitForURL(`${suite.base}/login`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
