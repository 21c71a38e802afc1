// The admin's outbox page in Chromium: without SMTP_URL, mail is written to files, and the admin sees them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../helpers/app.js';
import { reportChromium, startBrowserApp, type BrowserApp } from '../helpers/browser.js';

const hasChromium = reportChromium('the outbox browser test');

describe.skipIf(!hasChromium)('mail outbox in Chromium', () => {
  let app: BrowserApp;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stoa-outbox-e2e-'));
    app = await startBrowserApp({ mail: { ...testConfig().mail, outboxDir: dir } });
  });
  afterAll(async () => {
    await app?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists the mails written instead of sent, for admins', async () => {
    const { t } = app;
    await t.makeUser({ email: 'forgetful@example.org' });
    expect((await t.anonymous.post('/api/auth/password-reset', { email: 'forgetful@example.org' })).statusCode).toBe(202);
    await t.app.mail.drain();
    const admin = await t.makeUser({ isAdmin: true, displayName: 'Ada Admin' });
    const { page, errors } = await app.signedInPage(admin, 1024);
    await page.goto(`${app.base}/`);
    await page.getByRole('link', { name: 'Mail outbox' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Mail outbox', level: 1 }).isVisible()).toBe(true);
    const mail = page.getByRole('link', { name: /\.eml$/ });
    await expect.poll(() => mail.count()).toBe(1);
    const raw = await (await t.as(admin)).get(new URL((await mail.getAttribute('href'))!, app.base).pathname);
    expect(raw.body).toMatch(/^Subject: Reset your Stoa password$/m);
    expect(errors).toEqual([]);
  }, 30_000);
});
