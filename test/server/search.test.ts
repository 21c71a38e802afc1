// Full-text search: syntax, ranking, filters, snippets, pagination, languages, similar problems, and bad or
// hostile input (the naughty-strings and XSS corpora). Visibility is search-visibility.test.ts.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Agent, type TestApp } from '../helpers/app.js';
import { naughtyStrings, xssPayloads } from '../helpers/corpora.js';
import { highlightedHtml, plainMarkdown } from '../../server/features/search/snippet.js';

let t: TestApp;
let communityId: string;
let member: Agent;
let moderator: Agent;
let authorHandle: string;

type Hit = { type: string; id: string; topicId: string; title: string; titleHtml: string; snippetHtml: string; rank: number; author: { handle: string }; solved: boolean };
const found = async (agent: Agent, query: string) => {
  const res = await agent.get(`/api/search?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: Hit[]; total: number; nextCursor: string | null; truncated: boolean; languages: string[] };
};
const idsOf = (body: { items: Hit[] }) => body.items.map((h) => h.id);
const q = (text: string) => `q=${encodeURIComponent(text)}`;
const db = () => t.testDb.database;

beforeAll(async () => {
  t = await createTestApp();
  communityId = (await t.makeCommunity()).id;
  const user = await t.makeMember(communityId, [], { displayName: 'Olga Observer' });
  member = await t.as(user);
  moderator = await t.as(await t.makeMember(communityId, ['moderator', 'facilitator']));
  authorHandle = 'olga_observer';
});
afterAll(async () => t?.close());

describe('query syntax (websearch)', () => {
  it('phrases, -exclusions and or; an unbalanced quote is searched as words; nothing is a 500', async () => {
    const topic = (await member.post(`/api/communities/${communityId}/topics`, { kind: 'problem', title: 'Syntax check', body: 'Intro' })).json();
    const a = (await member.post(`/api/topics/${topic.id}/posts`, { body: 'kestrel warbler heron' })).json().id;
    const b = (await member.post(`/api/topics/${topic.id}/posts`, { body: 'warbler kestrel plover' })).json().id;
    const c = (await member.post(`/api/topics/${topic.id}/posts`, { body: 'osprey alone' })).json().id;
    expect(idsOf(await found(member, q('"kestrel warbler"')))).toEqual([a]);
    expect(idsOf(await found(member, q('kestrel -heron')))).toEqual([b]);
    expect(idsOf(await found(member, q('heron or osprey'))).sort()).toEqual([a, c].sort());
    expect(idsOf(await found(member, q('kestrel warbler'))).sort()).toEqual([a, b].sort());
    expect(idsOf(await found(member, q('"osprey alone')))).toEqual([c]);
    for (const odd of ['"', '-', 'or', '""', '(((', '!!!', '&|!<->:*', "'", '\\', '   ', 'the']) {
      const res = await member.get(`/api/search?${q(odd)}`);
      expect(res.statusCode, odd).toBe(200);
    }
  });
});

describe('ranking', () => {
  it('a title match outranks a body match; a recent text outranks an old one with the same words', async () => {
    const inTitle = (await member.post(`/api/communities/${communityId}/topics`, { kind: 'problem', title: 'Gannet feedback', body: 'Some words' })).json();
    const inBody = (await member.post(`/api/communities/${communityId}/topics`, { kind: 'problem', title: 'Another question', body: 'About gannet feedback' })).json();
    const hits = (await found(member, `${q('gannet')}&type=topic`)).items;
    expect(hits.map((h) => h.id)).toEqual([inTitle.id, inBody.id]);
    expect(hits[0]!.rank).toBeGreaterThan(hits[1]!.rank);

    const topic = (await member.post(`/api/communities/${communityId}/topics`, { kind: 'problem', title: 'Recency', body: 'Intro' })).json();
    const old = (await member.post(`/api/topics/${topic.id}/posts`, { body: 'cormorant session plan' })).json().id;
    const recent = (await member.post(`/api/topics/${topic.id}/posts`, { body: 'cormorant session plan' })).json().id;
    await db().rows(sql`update posts set created_at = now() - interval '2 years' where id = ${old}`);
    expect(idsOf(await found(member, q('cormorant')))).toEqual([recent, old]);
  });
});

describe('filters', () => {
  it('type, kind, author, dates, solved and topic each narrow the results', async () => {
    const other = await t.as(await t.makeMember(communityId));
    const cpd = (await moderator.post(`/api/communities/${communityId}/topics`, { kind: 'cpd', title: 'Puffin reading', article: 'An article on puffin routines', prompts: [{ body: 'Your puffin practice?' }] })).json();
    const solved = (await member.post(`/api/communities/${communityId}/topics`, { kind: 'problem', title: 'Puffin trouble', body: 'Help with puffin' })).json();
    const unsolved = (await other.post(`/api/communities/${communityId}/topics`, { kind: 'problem', title: 'Puffin again', body: 'More puffin' })).json();
    const answer = (await other.post(`/api/topics/${solved.id}/posts`, { body: 'Puffin answer' })).json().id;
    const mine = (await member.post(`/api/topics/${cpd.id}/posts`, { body: 'My puffin reply', promptId: cpd.prompts[0].id })).json().id;
    expect((await member.post(`/api/topics/${solved.id}/solution`, { postId: answer })).statusCode).toBe(200);
    await db().rows(sql`update posts set created_at = '2024-05-10T12:00:00Z' where id = ${answer}`);

    const all = await found(member, q('puffin'));
    expect(all.total).toBe(6); // 3 topics (the article is part of its topic), 1 prompt, 2 replies
    const types = (query: string) => found(member, `${q('puffin')}&${query}`).then((r) => r.items.map((h) => `${h.type}:${h.id}`).sort());
    expect(await types('type=post')).toEqual([`post:${answer}`, `post:${mine}`].sort());
    expect(await types('type=topic')).toEqual([`topic:${cpd.id}`, `prompt:${cpd.prompts[0].id}`, `topic:${solved.id}`, `topic:${unsolved.id}`].sort());
    expect(await types('kind=cpd')).toEqual([`topic:${cpd.id}`, `prompt:${cpd.prompts[0].id}`, `post:${mine}`].sort());
    expect(await types(`author=${authorHandle}`)).toEqual([`topic:${solved.id}`, `post:${mine}`].sort());
    expect(await types(`author=@${authorHandle}`)).toEqual([`topic:${solved.id}`, `post:${mine}`].sort());
    expect(await types('author=nobody_by_that_name')).toEqual([]);
    expect(await types('from=2024-05-10&to=2024-05-10')).toEqual([`post:${answer}`]);
    expect(await types('to=2024-05-09')).toEqual([]);
    expect(await types('solved=true')).toEqual([`topic:${solved.id}`, `post:${answer}`].sort());
    expect(await types('solved=false')).toEqual([`topic:${unsolved.id}`]);
    expect(await types(`topicId=${cpd.id}`)).toEqual([`topic:${cpd.id}`, `prompt:${cpd.prompts[0].id}`, `post:${mine}`].sort());
    expect(await types(`communityId=${communityId}&type=post&kind=problem`)).toEqual([`post:${answer}`]);
    const hit = all.items.find((h) => h.id === solved.id)!;
    expect(hit).toMatchObject({ solved: true, title: 'Puffin trouble', titleHtml: '<mark>Puffin</mark> trouble' });
  });

  it('pages follow the cursor, never repeat, and add up to the total', async () => {
    const topic = (await member.post(`/api/communities/${communityId}/topics`, { kind: 'problem', title: 'Paging', body: 'Intro' })).json();
    for (let i = 0; i < 23; i++) await member.post(`/api/topics/${topic.id}/posts`, { body: `albatross number ${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await found(member, `${q('albatross')}&limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.total).toBe(23);
      seen.push(...idsOf(page));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
    const past = await found(member, `${q('albatross')}&cursor=100`);
    expect(past).toMatchObject({ items: [], total: 23, nextCursor: null });
  });
});

describe('the ranked window', () => {
  it('looking back a month first gives the same page as looking back forever once the window is full', async () => {
    const { search } = await import('../../server/features/search/queries.js');
    const c = (await t.makeCommunity()).id;
    const user = await t.makeMember(c);
    const agent = await t.as(user);
    const topic = (await agent.post(`/api/communities/${c}/topics`, { kind: 'problem', title: 'Window', body: 'Intro' })).json();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await agent.post(`/api/topics/${topic.id}/posts`, { body: `puffbird ${i}` })).json().id);
    // Three recent, three older than a month.
    await db().rows(sql`update posts set created_at = now() - interval '90 days' where id in (${sql.join(ids.slice(0, 3).map((id) => sql`${id}::uuid`), sql`, `)})`);
    const base = { text: 'puffbird', groups: [{ language: 'simple', communityIds: [c] }], viewer: { userId: user.id, isAdmin: false, moderatedCommunityIds: [] }, filters: {}, offset: 0, limit: 10 };
    const monthAgo = new Date(Date.now() - 31 * 86_400_000);
    // A window of 2: the month alone fills it, and the page equals the unbounded one.
    const bounded = await search(db().db, { ...base, window: 2, postsSince: monthAgo });
    const unbounded = await search(db().db, { ...base, window: 2 });
    expect(bounded.postsWindowFull).toBe(true);
    // (rank includes recency, which moves with the clock between the two statements: compare the rest.)
    const shape = (page: typeof bounded) => ({ ...page, rows: page.rows.map(({ rank: _rank, ...row }) => row) });
    expect(shape(bounded)).toEqual(shape(unbounded));
    expect(bounded).toMatchObject({ total: 2, truncated: true });
    // A window of 4: the month does not fill it, so the service must look further back (and does).
    expect((await search(db().db, { ...base, window: 4, postsSince: monthAgo })).postsWindowFull).toBe(false);
    expect((await found(agent, q('puffbird'))).total).toBe(6);
  });
});

describe('reading the newest posts first', () => {
  it('gives exactly the page and counts of the index alone, whatever the reach, with ties at the boundary', async () => {
    const { search } = await import('../../server/features/search/queries.js');
    const c = (await t.makeCommunity()).id;
    const user = await t.makeMember(c);
    const agent = await t.as(user);
    const topic = (await agent.post(`/api/communities/${c}/topics`, { kind: 'problem', title: 'Newest', body: 'Intro' })).json();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await agent.post(`/api/topics/${topic.id}/posts`, { body: i % 3 ? `kestrel osprey ${i}` : `heron ${i}` })).json().id);
    // Spread over two years, four of them at one instant (a tie wherever a reach ends there). One clock for all:
    // `now()` moves between statements, which would break the tie.
    const now = new Date().toISOString();
    for (const [n, id] of ids.entries()) {
      const age = n >= 4 && n < 8 ? '40 days' : `${(12 - n) * 60} days`;
      await db().rows(sql`update posts set created_at = ${now}::timestamptz - ${age}::interval where id = ${id}::uuid`);
    }
    const base = { text: 'kestrel osprey', groups: [{ language: 'simple', communityIds: [c] }], viewer: { userId: user.id, isAdmin: false, moderatedCommunityIds: [] }, filters: {}, offset: 0, limit: 20 };
    const shape = (page: Awaited<ReturnType<typeof search>>) => ({ ...page, rows: page.rows.map(({ rank: _rank, ...row }) => row) });
    for (const window of [2, 5, 20]) {
      const alone = shape(await search(db().db, { ...base, window }));
      for (const reach of [[1], [3], [6], [2, 7], [4, 7], [5, 8], [100]]) {
        expect({ window, reach, page: shape(await search(db().db, { ...base, window, newestProbe: reach })) }).toEqual({ window, reach, page: alone });
      }
    }
  });

  it('ANALYZE gives the words\' shares that decide the newest-first read, and the route answers completely with it', async () => {
    const { wordShares } = await import('../../server/features/search/queries.js');
    const c = (await t.makeCommunity()).id;
    const agent = await t.as(await t.makeMember(c));
    const topic = (await agent.post(`/api/communities/${c}/topics`, { kind: 'problem', title: 'Shares', body: 'Intro' })).json();
    for (let i = 0; i < 80; i++) await agent.post(`/api/topics/${topic.id}/posts`, { body: `wagtail linnet ${i}` });
    await db().rows(sql`analyze posts`);
    const common = await wordShares(db().db, 'simple', 'wagtail linnet');
    expect(common.words).toBe(2);
    expect(common.minShare).toBeGreaterThan(0.02);
    expect(await wordShares(db().db, 'simple', 'wagtail zzyzzx')).toEqual({ words: 2, minShare: 0 });
    // Through the route, with and without the newest-first read, the same answer.
    const page = await found(agent, `${q('wagtail linnet')}&communityId=${c}&limit=50`);
    expect(page.total).toBe(80);
    expect(page.items).toHaveLength(50);
  });
});

describe('languages', () => {
  it("stems with the community's language; moderators change it, which re-indexes; unknown languages are refused", async () => {
    const settings = (await moderator.get(`/api/communities/${communityId}/settings`)).json();
    expect(settings.searchLanguage).toBe('simple');
    expect(settings.searchLanguages).toEqual(expect.arrayContaining(['simple', 'english', 'french', 'german', 'spanish']));
    const topic = (await member.post(`/api/communities/${communityId}/topics`, { kind: 'problem', title: 'Stemming', body: 'Intro' })).json();
    const post = (await member.post(`/api/topics/${topic.id}/posts`, { body: 'The trainees were mentoring each other' })).json().id;
    expect((await found(member, q('mentored'))).total).toBe(0); // simple: no stemming
    expect((await member.patch(`/api/communities/${communityId}/settings`, { searchLanguage: 'english' })).statusCode).toBe(403);
    const bad = await moderator.patch(`/api/communities/${communityId}/settings`, { searchLanguage: 'klingon' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'unknown_language', field: 'searchLanguage' });
    const changed = await moderator.patch(`/api/communities/${communityId}/settings`, { searchLanguage: 'english' });
    expect(changed.json()).toMatchObject({ searchLanguage: 'english' });
    const stemmed = await found(member, q('mentored trainee'));
    expect(idsOf(stemmed)).toEqual([post]);
    expect(stemmed.languages).toEqual(['english']);
    // New texts are stemmed with the new language as they are written.
    const later = (await member.post(`/api/topics/${topic.id}/posts`, { body: 'Observations of observing' })).json().id;
    expect(idsOf(await found(member, q('observe')))).toEqual([later]);
    await moderator.patch(`/api/communities/${communityId}/settings`, { searchLanguage: 'simple' });
    expect((await found(member, q('mentored'))).total).toBe(0);
  });
});

describe('similar practice problems', () => {
  it('suggests earlier problems with similar titles, marks the solved ones with their solution’s first line', async () => {
    const c = (await t.makeCommunity()).id;
    const asker = await t.as(await t.makeMember(c));
    const helper = await t.as(await t.makeMember(c));
    const p1 = (await asker.post(`/api/communities/${c}/topics`, { kind: 'problem', title: 'Trainees freeze when observed', body: 'They go quiet.' })).json();
    const p2 = (await asker.post(`/api/communities/${c}/topics`, { kind: 'problem', title: 'Giving feedback on lesson plans', body: 'How?' })).json();
    await asker.post(`/api/communities/${c}/topics`, { kind: 'cpd', title: 'Trainees freeze when observed (a CPD topic)', article: 'x', prompts: [{ body: 'y' }] });
    const held = (await asker.post(`/api/communities/${c}/topics`, { kind: 'problem', title: 'Trainees freezing when observed', body: 'held' })).json();
    await db().rows(sql`update topics set moderation_status = 'pending' where id = ${held.id}`);
    const solution = (await helper.post(`/api/topics/${p1.id}/posts`, { body: '\n## Start with **peer** observation\n\nThen the tutor visits.' })).json().id;
    await asker.post(`/api/topics/${p1.id}/solution`, { postId: solution });

    const res = await helper.get(`/api/communities/${c}/similar-problems?title=${encodeURIComponent('My trainees freeze when they are observed')}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.method).toBe('trigram+fulltext');
    expect(body.items[0]).toMatchObject({ topicId: p1.id, solved: true, solutionFirstLine: 'Start with peer observation' });
    expect(body.items.map((i: { topicId: string }) => i.topicId)).not.toContain(held.id);
    expect(body.items.length).toBeLessThanOrEqual(5);
    // A title that shares no word and few letters: nothing. Under four letters: nothing asked.
    expect((await helper.get(`/api/communities/${c}/similar-problems?title=zzzz%20qqqq`)).json().items).toEqual([]);
    expect((await helper.get(`/api/communities/${c}/similar-problems?title=abc`)).json().items).toEqual([]);
    // A typo still finds it by trigrams.
    const typo = (await helper.get(`/api/communities/${c}/similar-problems?title=${encodeURIComponent('feedbak on lesson plan')}`)).json();
    expect(typo.items[0]?.topicId).toBe(p2.id);
  });

  it('falls back to full text alone where pg_trgm is missing', async () => {
    const { similarProblems } = await import('../../server/features/search/queries.js');
    const c = (await t.makeCommunity()).id;
    const asker = await t.makeMember(c);
    const p = (await (await t.as(asker)).post(`/api/communities/${c}/topics`, { kind: 'problem', title: 'Trainees freeze when observed', body: 'quiet' })).json();
    const rows = await similarProblems(db().db, {
      communityId: c,
      language: 'simple',
      title: 'trainees observed',
      viewer: { userId: asker.id, isAdmin: false, moderatedCommunityIds: [] },
      trigram: false,
      limit: 5,
    });
    expect(rows.map((r) => r.id)).toEqual([p.id]);
  });

  it('the full-text arm wants two shared title words: words shared only with a problem’s text, or one title word, do not suggest it', async () => {
    const { similarProblems } = await import('../../server/features/search/queries.js');
    const c = (await t.makeCommunity()).id;
    const asker = await t.makeMember(c);
    const as = await t.as(asker);
    const problem = (title: string, body: string) => as.post(`/api/communities/${c}/topics`, { kind: 'problem', title, body }).then((r) => r.json().id as string);
    const twoWords = await problem('Mentors rarely read lesson plans', 'They skim.');
    await problem('Noisy classrooms after lunch', 'The mentors ignore the plans of the mentors.');
    await problem('Mentors in a new school', 'Who are they?');
    const viewer = { userId: asker.id, isAdmin: false, moderatedCommunityIds: [] };
    const ask = (title: string) =>
      similarProblems(db().db, { communityId: c, language: 'simple', title, viewer, trigram: false, limit: 5 }).then((rows) => rows.map((r) => r.id));
    expect(await ask('Plans that mentors ignore')).toEqual([twoWords]);
    // A one-word title asks for that word in a title.
    expect(await ask('mentors')).toHaveLength(2);
    expect(await ask('classrooms')).toHaveLength(1);
  });

  it('words in more than a fifth of the topics (by ANALYZE) do not make pairs: “the … of the …” titles are not all alike', async () => {
    const { similarProblems } = await import('../../server/features/search/queries.js');
    const c = (await t.makeCommunity()).id;
    const asker = await t.makeMember(c);
    const as = await t.as(asker);
    const nouns = ['timing', 'pacing', 'marking', 'seating', 'grouping', 'planning', 'questioning', 'modelling', 'scaffolding', 'recapping'];
    for (let i = 0; i < 60; i++) {
      await as.post(`/api/communities/${c}/topics`, { kind: 'problem', title: `The ${nouns[i % 10]} of the lesson ${i}`, body: 'Any ideas?' });
    }
    const target = (await as.post(`/api/communities/${c}/topics`, { kind: 'problem', title: 'Wobbly projector bulbs', body: 'Help.' })).json().id;
    await db().rows(sql`analyze topics`);
    const [share] = await db().rows<{ f: number }>(sql`select x.f from pg_stats s, unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) as x(e, f)
      where s.tablename = 'topics' and s.attname = 'search_vector' and x.e = 'the'`);
    expect(Number(share?.f)).toBeGreaterThan(0.2); // the premise: "the" is in most topics
    const viewer = { userId: asker.id, isAdmin: false, moderatedCommunityIds: [] };
    const ids = (await similarProblems(db().db, { communityId: c, language: 'simple', title: 'The bulbs of the projector', viewer, trigram: false, limit: 5 })).map((r) => r.id);
    expect(ids).toEqual([target]);
  });
});

describe('bad input', () => {
  it('wrong types, unknown values, oversize and missing fields → 400 naming the field; signed out → 401', async () => {
    const cases: Array<[string, string]> = [
      ['', 'q'],
      [`${q('x'.repeat(201))}`, 'q'],
      [`${q('a')}&limit=0`, 'limit'],
      [`${q('a')}&limit=abc`, 'limit'],
      [`${q('a')}&limit=51`, 'limit'],
      [`${q('a')}&type=comment`, 'type'],
      [`${q('a')}&kind=essay`, 'kind'],
      [`${q('a')}&solved=maybe`, 'solved'],
      [`${q('a')}&communityId=not-a-uuid`, 'communityId'],
      [`${q('a')}&topicId=123`, 'topicId'],
      [`${q('a')}&cursor=abc`, 'cursor'],
      [`${q('a')}&from=yesterday`, 'from'],
      [`${q('a')}&to=2026-13-45`, 'to'],
      [`${q('a')}&author=${encodeURIComponent('<script>')}`, 'author'],
      [`${q('a')}&unknown=1`, 'unknown'],
    ];
    for (const [query, field] of cases) {
      const res = await member.get(`/api/search?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json().field ?? res.json().detail, query).toContain(field);
    }
    expect((await t.anonymous.get(`/api/search?${q('a')}`)).statusCode).toBe(401);
    expect((await member.get(`/api/communities/${communityId}/similar-problems`)).statusCode).toBe(400);
    expect((await member.get(`/api/communities/${communityId}/similar-problems?title=${'x'.repeat(201)}`)).statusCode).toBe(400);
  });

  it('every naughty string as a query, a filter and a similar-problems title: answered, never a 5xx', async () => {
    const statuses = { search: [] as number[], similar: [] as number[] };
    for (const text of naughtyStrings()) {
      if (text.length === 0) continue;
      const search = await member.get(`/api/search?${q(text)}&communityId=${communityId}`);
      const author = await member.get(`/api/search?q=a&author=${encodeURIComponent(text)}`);
      const similar = await member.get(`/api/communities/${communityId}/similar-problems?title=${encodeURIComponent(text)}`);
      for (const res of [search, author, similar]) {
        expect([200, 400], JSON.stringify(text)).toContain(res.statusCode);
        if (res.statusCode === 400) expect(['validation_failed', 'invalid_characters'], JSON.stringify(text)).toContain(res.json().code);
      }
      if ([...text].length > 200) expect(search.statusCode).toBe(400);
      statuses.search.push(search.statusCode);
      statuses.similar.push(similar.statusCode);
    }
    // Refusals are the rare exception (oversize, or nothing left once the query string is decoded).
    expect(statuses.search.filter((s) => s === 200).length).toBeGreaterThan(statuses.search.length * 0.95);
    expect(statuses.similar.filter((s) => s === 200).length).toBeGreaterThan(statuses.similar.length * 0.95);
  }, 180_000); // three requests for each of ~500 strings: a loaded CI machine needs more than the default

  it('XSS payloads written as posts come back in snippets as escaped text with no element but <mark>', async () => {
    const topic = (await member.post(`/api/communities/${communityId}/topics`, { kind: 'problem', title: 'Payloads', body: 'Intro' })).json();
    const payloads = xssPayloads().slice(0, 150);
    for (const { payload } of payloads) await member.post(`/api/topics/${topic.id}/posts`, { body: `flamingo ${payload}` });
    let seen = 0;
    let cursor: string | null = null;
    do {
      const page = await found(member, `${q('flamingo')}&limit=50${cursor ? `&cursor=${cursor}` : ''}`);
      for (const hit of page.items) {
        seen++;
        const tags = [...hit.snippetHtml.matchAll(/<\/?([a-z0-9]+)[^>]*>/gi)].map((m) => m[1]!.toLowerCase());
        expect(new Set(tags), hit.snippetHtml).toEqual(new Set(tags.length ? ['mark'] : []));
        expect(hit.snippetHtml).not.toMatch(/<(?!\/?mark>)/);
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toBeGreaterThan(0);
  });
});

describe('snippet building', () => {
  it('escapes everything, keeps only paired marks, and drops markdown noise', () => {
    expect(highlightedHtml('a \u0002<b>\u0003 & "c"', { markdown: false })).toBe('a <mark>&lt;b&gt;</mark> &amp; &quot;c&quot;');
    expect(highlightedHtml('\u0003stray \u0002open', { markdown: false })).toBe('stray <mark>open</mark>');
    expect(plainMarkdown('## Title\n> quoted **bold** [link](http://x.test) `code`')).toBe('Title quoted bold link code');
  });
});
