// The header's connection label in Chromium tells the truth: "connecting…" (never "offline") while the
// live socket first opens, "live" once it is open, "offline" as soon as the browser goes offline (not
// 50 s later when the socket finally gives up), and back to "live" when it is online again.
import { expect, it } from 'vitest';
import { describeInBrowser } from '../helpers/browser.js';

describeInBrowser(
  'connection label in Chromium',
  (suite) => {
    it('says connecting… while the socket opens, offline promptly when the browser is offline, live again after', async () => {
      const community = await suite.t.makeCommunity({ name: 'Patchy Signal' });
      const member = await suite.t.makeMember(community.id, []);
      const { context, page, errors } = await suite.app.signedInPage(member, 1280);
      // Hold the first socket open-ing until the test lets it through.
      let letThrough!: () => void;
      const gate = new Promise<void>((resolve) => (letThrough = resolve));
      await context.routeWebSocket(/\/api\/live$/, async (ws) => {
        await gate;
        ws.connectToServer();
      });
      const label = page.getByRole('banner').getByTitle('Live updates');
      const seen = new Set<string>();
      await page.goto(`${suite.base}/c/${community.slug}`);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Patchy Signal');
      await expect.poll(async () => seen.add((await label.textContent()) ?? '') && label.textContent()).toBe('connecting…');
      letThrough();
      await expect.poll(async () => seen.add((await label.textContent()) ?? '') && label.textContent()).toBe('live');
      expect([...seen].filter((s) => s !== 'connecting…' && s !== 'live')).toEqual([]);

      // Offline: the label says so within a second (the socket itself may look open for much longer).
      const wentOffline = Date.now();
      await context.setOffline(true);
      await expect.poll(() => label.textContent(), { timeout: 1_000 }).toBe('offline');
      expect(Date.now() - wentOffline).toBeLessThan(1_000);
      await context.setOffline(false);
      await expect.poll(() => label.textContent()).toBe('live');
      expect(errors).toEqual([]);
    });
  },
  { closePagesAfterEach: true },
);
