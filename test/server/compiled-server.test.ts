// The compiled server as `npm start` runs it (`node dist/server/main.js`, built by `npm run build`, which
// `npm test` runs first). Everything else in the suite runs the TypeScript sources; this file checks what
// only the build changes: the bundled packages (server/build.mjs), the migrated snapshot found next to the
// bundle, the markdown worker file, the client files, and a clean stop and restart on the same DATA_DIR.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { pgliteExtensionNames } from '../../server/db/client.js';
import { migrationsFolder } from '../../server/db/migrate.js';
import { defaultSnapshotFile } from '../../server/db/paths.js';
import { checkSnapshot } from '../../server/db/snapshot.js';
import { freePort } from '../helpers/net.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const mainJs = join(repoRoot, 'dist', 'server', 'main.js');
const dataDir = mkdtempSync(join(tmpdir(), 'stoa-compiled-'));
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function start() {
  if (!existsSync(mainJs)) throw new Error(`The server is not built (${mainJs}); run "npm run build" first.`);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: baseUrl, DATA_DIR: dataDir, LOG_LEVEL: 'warn', DEMO: '1' };
  // The demo's members have just posted (seeding): no posting limits for the test's reply.
  Object.assign(env, { POST_INTERVAL_SECONDS: '0', POSTS_PER_HOUR: '0' });
  for (const name of ['DATABASE_URL', 'TEST_DATABASE_URL', 'ADMIN_EMAIL', 'ADMIN_PASSWORD', 'SMTP_URL', 'REPLY_TO_DOMAIN', 'INBOUND_SMTP_PORT']) delete env[name];
  const child = spawn(process.execPath, [mainJs], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the compiled server exited (${child.exitCode}):\n${output}`);
    const ok = await fetch(`${baseUrl}/readyz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`not ready after 90 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const stop = async () => {
    child.kill('SIGTERM');
    return new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  };
  return { baseUrl, child, output: () => output, stop };
}

async function signIn(baseUrl: string, email: string) {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify({ email, password: 'stoa-demo-2026' }),
  });
  expect(res.status).toBe(200);
  return (res.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
}

// Embedded database only: the PostgreSQL run of the suite skips it (the bundle is the same).
describe.skipIf(Boolean(inject('templateDatabaseUrl')))('the compiled server (dist/server/main.js)', () => {
  let postId: string;

  it('starts a new data directory from the built snapshot, seeds the demo and serves the API, the client, markdown and live updates', async () => {
    const server = await start();
    const usable = checkSnapshot(defaultSnapshotFile, { migrationsFolder, extensions: pgliteExtensionNames }).usable;
    expect(server.output()).toContain(usable ? 'made from the migrated snapshot' : 'initialising it and running every migration');
    expect(server.output()).toContain('Demo content seeded.');
    const { baseUrl } = server;

    const page = await fetch(`${baseUrl}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script');
    const openapi = await fetch(`${baseUrl}/api/openapi.json`);
    expect(openapi.status).toBe(200);
    expect(((await openapi.json()) as { info: { title: string } }).info.title).toBeTruthy();

    const cookie = await signIn(baseUrl, 'priya@stoa.example');
    const communities = (await (await fetch(`${baseUrl}/api/communities`, { headers: { cookie } })).json()) as { items: Array<{ id: string; name: string }> };
    const community = communities.items.find((c) => c.name === 'ELT Teacher Trainers')!;
    expect(community).toBeDefined();
    const topics = (await (await fetch(`${baseUrl}/api/communities/${community.id}/topics`, { headers: { cookie } })).json()) as { items: Array<{ id: string; kind: string }> };
    const topic = topics.items.find((t) => t.kind === 'problem')!;

    // A live subscriber of the topic sees the reply that the markdown worker rendered.
    const socket = new WebSocket(`${baseUrl.replace('http', 'ws')}/api/live`, { headers: { cookie, origin: baseUrl } });
    const messages: Array<{ type: string; name?: string }> = [];
    socket.on('message', (data) => messages.push(JSON.parse(data.toString()) as { type: string; name?: string }));
    await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
    socket.send(JSON.stringify({ type: 'subscribe', channel: `topic:${topic.id}` }));
    await expect.poll(() => messages.some((m) => m.type === 'subscribed'), { timeout: 10_000 }).toBe(true);

    const created = await fetch(`${baseUrl}/api/topics/${topic.id}/posts`, {
      method: 'POST',
      headers: { cookie, origin: baseUrl, 'content-type': 'application/json', 'idempotency-key': 'compiled-server-test' },
      body: JSON.stringify({ body: 'Rendered by the **worker** of the compiled server.' }),
    });
    expect(created.status).toBe(201);
    const post = (await created.json()) as { id: string; bodyHtml: string };
    expect(post.bodyHtml).toContain('<strong>worker</strong>');
    postId = post.id;
    await expect.poll(() => messages.some((m) => m.type === 'event' && m.name === 'post.created'), { timeout: 10_000 }).toBe(true);
    socket.close();

    expect(await server.stop()).toBe(0); // SIGTERM: in-flight work finishes, the database closes
  }, 180_000);

  it('opens the same data directory again as an existing database, with what was written', async () => {
    const server = await start();
    expect(server.output()).not.toContain('New embedded database');
    expect(server.output()).not.toContain('Demo content seeded.');
    const cookie = await signIn(server.baseUrl, 'priya@stoa.example');
    const revisions = await fetch(`${server.baseUrl}/api/posts/${postId}/revisions`, { headers: { cookie } });
    expect(revisions.status).toBe(200);
    expect(JSON.stringify(await revisions.json())).toContain('Rendered by the **worker** of the compiled server.');
    expect(await server.stop()).toBe(0);
  }, 120_000);

  it('cluster.js loads too (and says it needs PostgreSQL)', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, [join(repoRoot, 'dist', 'server', 'cluster.js')], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect({ code, output: output.trim() }).toEqual({ code: 1, output: 'Cluster mode needs DATABASE_URL (PostgreSQL): the embedded PGlite database serves one process only.' });
  }, 60_000);
});
