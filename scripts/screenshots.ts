// `npm run screenshots`: the pictures in docs/screenshots/, made again from the current code. It builds
// what is stale, starts the built server on a free port with the demo content on a fresh embedded (PGlite)
// data directory, has two demo members flag posts (so the moderation queue has something in it), then signs
// in as the role that uses each page and saves it in light and dark mode at 1280 px and 360 px: 12 PNGs.
// Needs Debian's Chromium (/usr/bin/chromium, or STOA_CHROMIUM). Usage: npm run screenshots [-- <out dir>]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIRequestContext, Browser, Page } from 'playwright-core';
import { freePort } from '../test/helpers/net.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../server/demo/seed.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = resolve(process.argv[2] ?? join(root, 'docs/screenshots'));
const CHROMIUM = process.env.STOA_CHROMIUM ?? '/usr/bin/chromium';
const SLUG = 'elt-teacher-trainers';
const WIDTHS = [1280, 360] as const;
const SCHEMES = ['light', 'dark'] as const;
/** Long pages are cut here: the top of a page is what a picture in the README is for. */
const MAX_HEIGHT = 2400;

interface Shot {
  name: string;
  /** The demo account whose page it is. */
  email: string;
  path: (ids: Ids) => string;
  /** Resolves when the page shows its data. */
  ready: (page: Page) => Promise<unknown>;
}
interface Ids {
  topicId: string;
}

const SHOTS: Shot[] = [
  {
    name: 'topic',
    email: 'priya@stoa.example',
    path: (ids) => `/c/${SLUG}/t/${ids.topicId}`,
    ready: (page) => page.getByRole('heading', { level: 1, name: /^Designing and planning/ }).waitFor(),
  },
  {
    name: 'engagement',
    email: 'maria@stoa.example',
    path: () => `/c/${SLUG}/engagement`,
    ready: (page) => page.locator('svg.weekly-chart').waitFor(),
  },
  {
    name: 'moderation-queue',
    email: 'mo@stoa.example',
    path: () => `/c/${SLUG}/moderation`,
    ready: (page) => page.getByText(/Flagged posts? \(\d+\)/).first().waitFor(),
  },
];

function run(command: string, args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

async function waitForServer(base: string, server: ChildProcess, output: string[]) {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`The server stopped (exit ${server.exitCode}):\n${output.join('')}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The server did not answer at ${base} within 3 minutes:\n${output.join('')}`);
}

/** Signs the request context (and so its browser context) in as a demo account: a real session cookie. */
async function signIn(request: APIRequestContext, base: string, email: string) {
  const res = await request.post(`${base}/api/auth/login`, { data: { email, password: DEMO_PASSWORD }, headers: { origin: base } });
  if (!res.ok()) throw new Error(`Signing in as ${email}: ${res.status()} ${await res.text()}`);
}

/** Demo content has no flags: two members flag a reply each, so the queue shows what moderators see. */
async function flagSomePosts(browser: Browser, base: string): Promise<Ids> {
  const context = await browser.newContext();
  const get = async <T>(path: string) => (await (await context.request.get(`${base}${path}`)).json()) as T;
  await signIn(context.request, base, 'priya@stoa.example');
  const { items: communities } = await get<{ items: Array<{ id: string; slug: string }> }>('/api/communities');
  const community = communities.find((c) => c.slug === SLUG);
  if (!community) throw new Error(`The demo community ${SLUG} is missing.`);
  const { items: topics } = await get<{ items: Array<{ id: string; title: string }> }>(`/api/communities/${community.id}/topics`);
  const topic = topics.find((t) => t.title.startsWith('Designing and planning'));
  if (!topic) throw new Error('The demo topic "Designing and planning…" is missing.');
  const { items: posts } = await get<{ items: Array<{ id: string; author: { displayName: string } }> }>(`/api/topics/${topic.id}/posts`);
  const flags: Array<[string, string, string]> = [
    ['priya@stoa.example', 'off_topic', 'School visits are a question of their own: a new topic?'],
    ['tomas@stoa.example', 'other', 'Could a moderator check the tone here?'],
  ];
  const flagged = new Set<string>();
  for (const [email, reason, note] of flags) {
    // A reply (not the opening post) by someone else, not flagged yet.
    const me = DEMO_ACCOUNTS.find((a) => a.email === email)!.displayName;
    const post = posts.slice(1).find((p) => p.author.displayName !== me && !flagged.has(p.id));
    if (!post) throw new Error(`No reply for ${email} to flag in the demo topic.`);
    flagged.add(post.id);
    await context.clearCookies();
    await signIn(context.request, base, email);
    const res = await context.request.post(`${base}/api/posts/${post.id}/flags`, { data: { reason, note }, headers: { origin: base } });
    if (!res.ok()) throw new Error(`Flagging as ${email}: ${res.status()} ${await res.text()}`);
  }
  await context.close();
  return { topicId: topic.id };
}

async function main() {
  await run(process.execPath, ['scripts/build.mjs', '--if-stale']);
  const dataDir = mkdtempSync(join(tmpdir(), 'stoa-screenshots-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: base, DATA_DIR: dataDir, DEMO: '1', LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL; // the embedded database, fresh
  const output: string[] = [];
  const server = spawn(process.execPath, ['dist/server/main.js'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  server.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  let browser: Browser | undefined;
  try {
    await waitForServer(base, server, output);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    const ids = await flagSomePosts(browser, base);
    mkdirSync(outDir, { recursive: true });
    for (const shot of SHOTS) {
      for (const width of WIDTHS) {
        const context = await browser.newContext({ viewport: { width, height: width === 360 ? 740 : 900 }, colorScheme: SCHEMES[0], reducedMotion: 'reduce' });
        await signIn(context.request, base, shot.email);
        const page = await context.newPage();
        page.setDefaultTimeout(20_000);
        await page.goto(`${base}${shot.path(ids)}`);
        await shot.ready(page);
        await page.waitForLoadState('networkidle');
        await page.getByText('Loading…').first().waitFor({ state: 'detached' }).catch(() => undefined);
        await page.evaluate(() => document.fonts.ready);
        // One load per width: the scheme is CSS only (client/theme.ts), so the page takes each as it is emulated.
        for (const scheme of SCHEMES) {
          await page.emulateMedia({ colorScheme: scheme });
          const height = await page.evaluate(() => document.documentElement.scrollHeight);
          const file = join(outDir, `${shot.name}-${scheme}-${width}.png`);
          await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width, height: Math.min(height, MAX_HEIGHT) }, animations: 'disabled' });
          console.log(`wrote ${file}`);
        }
        await context.close();
      }
    }
  } finally {
    await browser?.close();
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
