// Page reads a returning member's browser revalidates: ETag + 304 with no body while nothing changed, a new
// ETag once something did, and never a cache shared between members.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('ETag and 304 on the page reads', () => {
  it('topic page, its posts and the topic list answer 304 while unchanged and 200 with a new ETag after a reply', async () => {
    const c = await t.makeCommunity();
    const member = await t.as(await t.makeMember(c.id));
    const other = await t.as(await t.makeMember(c.id));
    const topic = (await member.post(`/api/communities/${c.id}/topics`, { kind: 'problem', title: 'Cached', body: 'x' })).json();
    for (const url of [`/api/topics/${topic.id}`, `/api/topics/${topic.id}/posts`, `/api/communities/${c.id}/topics`]) {
      await member.get(url); // the first open records the view (it changes the reader count)
      const first = await member.get(url);
      expect(first.statusCode).toBe(200);
      expect(first.headers['cache-control']).toBe('private, no-cache');
      const tag = first.headers.etag as string;
      expect(tag).toMatch(/^"/);
      const again = await member.request('GET', url, undefined, { 'if-none-match': tag });
      expect(again.statusCode, url).toBe(304);
      expect(again.body).toBe('');
      // Another member's view of the same page is their own (their read position, their permissions).
      const theirs = await other.request('GET', url, undefined, { 'if-none-match': tag });
      expect([200, 304]).toContain(theirs.statusCode);
      await other.post(`/api/topics/${topic.id}/posts`, { body: `A reply for ${url}` });
      const changed = await member.request('GET', url, undefined, { 'if-none-match': tag });
      expect(changed.statusCode, url).toBe(200);
      expect(changed.headers.etag).not.toBe(tag);
    }
  });

  it('answers 304 when the current ETag is anywhere in an If-None-Match list, weak or strong, or the list is *', async () => {
    const c = await t.makeCommunity();
    const member = await t.as(await t.makeMember(c.id));
    const topic = (await member.post(`/api/communities/${c.id}/topics`, { kind: 'problem', title: 'Listed', body: 'x' })).json();
    const url = `/api/topics/${topic.id}/posts`;
    await member.get(url);
    const tag = (await member.get(url)).headers.etag as string;
    const statusFor = async (ifNoneMatch: string) => (await member.request('GET', url, undefined, { 'if-none-match': ifNoneMatch })).statusCode;
    expect(await statusFor(`"older", ${tag}`)).toBe(304);
    expect(await statusFor(`W/"older",W/${tag} , "newer"`)).toBe(304);
    expect(await statusFor('*')).toBe(304);
    expect(await statusFor(`"older", "newer"`)).toBe(200);
    expect(await statusFor(`${tag.slice(0, -2)}"`)).toBe(200);
  });

  it('the ETag is the SHA-1 of the bytes sent, and non-ASCII text arrives whole', async () => {
    const c = await t.makeCommunity();
    const member = await t.as(await t.makeMember(c.id));
    const title = 'Café ünïcödé — 教師 🙂';
    const topic = (await member.post(`/api/communities/${c.id}/topics`, { kind: 'problem', title, body: 'Grüße' })).json();
    for (const url of [`/api/topics/${topic.id}`, `/api/topics/${topic.id}/posts`, `/api/communities/${c.id}/topics`]) {
      const res = await member.get(url);
      expect(res.statusCode).toBe(200);
      expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
      expect(res.headers.etag).toBe(`"${createHash('sha1').update(res.rawPayload).digest('base64')}"`);
      if (!url.endsWith('/posts')) expect(res.body).toContain(title);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    }
  });

  it('writes and errors are not cached', async () => {
    const c = await t.makeCommunity();
    const member = await t.as(await t.makeMember(c.id));
    const created = await member.post(`/api/communities/${c.id}/topics`, { kind: 'problem', title: 'Fresh', body: 'x' });
    expect(created.headers['cache-control']).toBeUndefined();
    const missing = await member.get('/api/topics/00000000-0000-4000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['cache-control']).toBeUndefined();
  });
});
