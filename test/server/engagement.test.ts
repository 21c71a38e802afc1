// Engagement analytics on a hand-built community whose answers are worked out below by hand.
//
// Range 2024-03-04 (Mon) .. 2024-03-17 (Sun): 14 days, two ISO weeks. Previous period: 2024-02-19 .. 2024-03-03.
// Ten members in the range: fac (facilitator) and p1 post; r1, r2, r3 only read; mgr, mod, i1, i2, i3 do nothing
// in the range. r3 joins mid-range; i3 is removed mid-range (still a member of the range); x was removed
// before the range (not a member of it). i1 posts and reads just before the range, i2 just after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Agent, type TestApp, type TestUser } from '../helpers/app.js';
import { insertHelpful, insertPost, insertPrompt, insertTopic, insertView, setMembershipDates } from '../helpers/engagement-factories.js';

let t: TestApp;
let communityId: string;
let otherCommunityId: string;
const u: Record<string, TestUser> = {};
let T1: string; // CPD topic by fac, opened in the range, prompts P1 and P2
let T2: string; // practice problem by mgr, opened before the range
let T3: string; // topic of another community
let P1: string;
let P2: string;
const ids: Record<string, string> = {};

const R = 'from=2024-03-04&to=2024-03-17';
const base = () => `/api/communities/${communityId}/engagement`;

beforeAll(async () => {
  t = await createTestApp();
  const db = t.app.db;
  communityId = (await t.makeCommunity()).id;
  otherCommunityId = (await t.makeCommunity()).id;
  const member = async (key: string, roles: Array<'facilitator' | 'moderator' | 'manager'> = [], displayName = key, joined = '2024-01-01T00:00:00Z', removed: string | null = null) => {
    u[key] = await t.makeMember(communityId, roles, { displayName });
    await setMembershipDates(db, communityId, u[key]!.id, joined, removed);
  };
  await member('fac', ['facilitator'], 'Fay Facilitator');
  await member('p1', [], 'Pat Poster');
  await member('r1', [], 'Ann "the, reader"'); // quotes and a comma: CSV quoting
  await member('r2', [], 'Rob Reader');
  await member('r3', [], 'Rae Latecomer', '2024-03-12T00:00:00Z');
  await member('mgr', ['manager'], 'Max Manager');
  await member('mod', ['moderator'], 'Mo Moderator');
  await member('i1', [], 'Ian Early');
  await member('i2', [], '=HYPERLINK("http://evil.test")'); // formula injection
  await member('i3', [], 'Ivy Leaver', '2024-01-01T00:00:00Z', '2024-03-08T00:00:00Z');
  await member('x', [], 'Xena Gone', '2024-01-01T00:00:00Z', '2024-03-01T00:00:00Z');
  u.outsider = await t.makeUser({ displayName: 'Olly Outsider' });
  u.admin = await t.makeUser({ displayName: 'Ada Admin', isAdmin: true });
  const other = await t.makeMember(otherCommunityId, [], { displayName: 'Elsewhere' });

  T1 = await insertTopic(db, { communityId, authorId: u.fac!.id, kind: 'cpd', title: 'Reflective practice', createdAt: '2024-03-04T09:00:00Z' });
  P1 = await insertPrompt(db, T1, 1);
  P2 = await insertPrompt(db, T1, 2);
  T2 = await insertTopic(db, { communityId, authorId: u.mgr!.id, kind: 'problem', title: 'Rota problem', createdAt: '2024-02-01T12:00:00Z' });
  T3 = await insertTopic(db, { communityId: otherCommunityId, authorId: other.id, kind: 'cpd', title: 'Elsewhere', createdAt: '2024-03-05T00:00:00Z' });

  const post = (key: string, author: string, topicId: string, createdAt: string, status: 'published' | 'withdrawn' | 'removed' | 'pending' | 'hidden' = 'published', promptId: string | null = null) =>
    insertPost(db, { communityId, topicId, authorId: u[author]!.id, createdAt, status, promptId }).then((id) => (ids[key] = id));
  await post('a', 'p1', T1, '2024-03-04T10:30:00Z', 'published', P1); // first reply: 90 minutes after the opening
  await post('b', 'p1', T1, '2024-03-05T12:00:00Z', 'withdrawn', P2); // withdrawn by its author: still counts
  await post('fr', 'fac', T1, '2024-03-07T09:00:00Z', 'published', P2);
  await post('c', 'p1', T1, '2024-03-10T23:59:00Z', 'published', P1); // Sunday 23:59 UTC: week 1
  await post('d', 'p1', T2, '2024-03-11T00:00:00Z'); // Monday 00:00 UTC: week 2
  await post('e', 'p1', T1, '2024-03-12T08:00:00Z', 'published', P1);
  await post('f', 'p1', T1, '2024-03-13T08:00:00Z', 'published', P2);
  await post('g', 'p1', T1, '2024-03-06T08:00:00Z', 'removed', P1); // removed by a moderator
  await post('pending', 'r1', T1, '2024-03-08T10:00:00Z', 'pending');
  await post('hidden', 'r1', T1, '2024-03-09T10:00:00Z', 'hidden');
  await post('before', 'i1', T2, '2024-03-03T23:59:59Z'); // one second before the range
  await post('after', 'i2', T1, '2024-03-18T00:00:00Z'); // the first instant after the range
  await post('xpost', 'x', T2, '2024-02-28T12:00:00Z');

  const view = (key: string, topicId: string, day: string) => insertView(db, { communityId, topicId, userId: u[key]!.id, day });
  await view('r1', T1, '2024-03-05');
  await view('r2', T2, '2024-03-12');
  await view('r2', T1, '2024-03-12');
  await view('r3', T1, '2024-03-13');
  await view('p1', T1, '2024-03-04');
  await view('fac', T1, '2024-03-04');
  await view('i1', T1, '2024-03-03');
  await view('i2', T1, '2024-03-18');
  await view('x', T2, '2024-02-27');
  await insertView(db, { communityId: otherCommunityId, topicId: T3, userId: other.id, day: '2024-03-05' });

  await insertHelpful(db, ids.a!, u.r1!.id, '2024-03-05T00:00:00Z');
  await insertHelpful(db, ids.c!, u.fac!.id, '2024-03-11T00:00:00Z');
  await insertHelpful(db, ids.xpost!, u.r2!.id, '2024-02-28T13:00:00Z');
});
afterAll(async () => t?.close());

const agents: Record<string, Agent> = {};
async function as(key: string): Promise<Agent> {
  if (key === 'anonymous') return t.anonymous;
  agents[key] ??= await t.as(u[key]!);
  return agents[key]!;
}
async function getJson(key: string, url: string) {
  const res = await (await as(key)).get(url);
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json();
}

/** RFC 4180 parser (quoted fields, doubled quotes, CRLF) for reading the CSV back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

describe('engagement summary', () => {
  it('counts members, posters, lurkers and inactive with known answers, ignoring activity just outside the range', async () => {
    const s = await getJson('mgr', `${base()}?${R}`);
    expect(s.range).toEqual({ from: '2024-03-04', to: '2024-03-17', tz: 'UTC', days: 14, startsAt: '2024-03-04T00:00:00.000Z', endsAt: '2024-03-18T00:00:00.000Z' });
    expect(s.previousRange).toMatchObject({ from: '2024-02-19', to: '2024-03-03', days: 14 });
    expect(s).toMatchObject({
      members: 10, // x (removed before the range) is not counted; r3 (joined mid-range) and i3 (removed mid-range) are
      posters: 2,
      lurkers: 3,
      inactive: 5,
      core: 1,
      contributors: 1,
      percentages: { posters: 20, lurkers: 30, inactive: 50 },
      posts: 8, // T1's opening + 7 counted replies (withdrawn b counts; removed g, pending and hidden do not)
      replies: 7,
      newTopics: 1,
      removedPosts: 1,
      medianFirstReplyMinutes: 90,
    });
    expect(s.posters + s.lurkers + s.inactive).toBe(s.members);
    expect(s.previous).toEqual({
      members: 10, // x still a member then; r3 not yet
      posters: 2, // i1 (one second before the range) and x
      lurkers: 0,
      inactive: 8,
      core: 0,
      contributors: 2,
      percentages: { posters: 20, lurkers: 0, inactive: 80 },
      posts: 2,
      replies: 2,
      newTopics: 0,
      removedPosts: 0,
      medianFirstReplyMinutes: null,
    });
    expect(Object.keys(s.definitions)).toEqual(expect.arrayContaining(['posters', 'lurkers', 'inactive', 'classes']));
    expect(s.definitions.classes).toContain('Monday');
  });

  it('splits weeks at Monday 00:00 UTC: Sunday 23:59 falls in the first week', async () => {
    const s = await getJson('mgr', `${base()}?${R}`);
    expect(s.weekly).toEqual([
      { weekStart: '2024-03-04', days: 7, members: 9, posters: 2, lurkers: 1, inactive: 6, core: 1, contributors: 1, posts: 5 },
      { weekStart: '2024-03-11', days: 7, members: 9, posters: 1, lurkers: 2, inactive: 6, core: 1, contributors: 0, posts: 3 },
    ]);
    for (const w of s.weekly) expect(w.posters + w.lurkers + w.inactive).toBe(w.members);
  });

  it('shifts day and week boundaries with tz (Europe/Berlin is UTC+1 in March)', async () => {
    const s = await getJson('mgr', `${base()}?${R}&tz=Europe/Berlin`);
    expect(s.range).toMatchObject({ tz: 'Europe/Berlin', startsAt: '2024-03-03T23:00:00.000Z', endsAt: '2024-03-17T23:00:00.000Z' });
    // i1's post at 23:59:59 UTC on Mar 3 is 00:59:59 on Mar 4 in Berlin: inside the range now.
    expect(s).toMatchObject({ members: 10, posters: 3, lurkers: 3, inactive: 4, posts: 9 });
    // p1's Sunday-23:59-UTC post is Monday 00:59 in Berlin: week 2. p1 drops to contributor in week 1, core in week 2.
    expect(s.weekly).toEqual([
      { weekStart: '2024-03-04', days: 7, members: 9, posters: 3, lurkers: 1, inactive: 5, core: 0, contributors: 3, posts: 5 },
      { weekStart: '2024-03-11', days: 7, members: 9, posters: 1, lurkers: 2, inactive: 6, core: 1, contributors: 0, posts: 4 },
    ]);
  });

  it('classes core at exactly 3 posts a week on average and contributor below', async () => {
    // 14 days, p1 has 6 posts: 6 × 7 = 42 = 3 × 14 → core.
    const twoWeeks = await getJson('mgr', `${base()}/members?${R}`);
    expect(twoWeeks.items.find((m: { userId: string }) => m.userId === u.p1!.id)).toMatchObject({ posts: 6, postsPerWeek: 3, class: 'core' });
    // 17 days, still 6 posts: 42 < 51 → contributor.
    const longer = await getJson('mgr', `${base()}/members?from=2024-03-01&to=2024-03-17`);
    expect(longer.items.find((m: { userId: string }) => m.userId === u.p1!.id)).toMatchObject({ posts: 6, postsPerWeek: 2.47, class: 'contributor' });
    // A partial week scales: 2024-03-13..2024-03-13 (1 day), p1 has 1 post: 7 ≥ 3 → core.
    const oneDay = await getJson('mgr', `${base()}?from=2024-03-13&to=2024-03-13`);
    expect(oneDay.weekly).toEqual([{ weekStart: '2024-03-11', days: 1, members: 9, posters: 1, lurkers: 1, inactive: 7, core: 1, contributors: 0, posts: 1 }]);
  });

  it('orders top contributors by posts, with posts per week, topics started and helpful acknowledgements', async () => {
    const s = await getJson('mgr', `${base()}?${R}`);
    expect(s.top).toEqual([
      { userId: u.p1!.id, displayName: 'Pat Poster', posts: 6, postsPerWeek: 3, topicsStarted: 0, helpfulReceived: 2 },
      { userId: u.fac!.id, displayName: 'Fay Facilitator', posts: 2, postsPerWeek: 1, topicsStarted: 1, helpfulReceived: 0 },
    ]);
    const one = await getJson('mgr', `${base()}?${R}&limit=1`);
    expect(one.top.map((r: { userId: string }) => r.userId)).toEqual([u.p1!.id]);
  });
});

describe('per-topic and per-member tables', () => {
  it('reports per-topic posts, posters, silent readers and per-prompt replies', async () => {
    const res = await getJson('mgr', `${base()}/topics?${R}`);
    expect(res.sort).toBe('-posts');
    expect(res.items).toEqual([
      {
        topicId: T1,
        title: 'Reflective practice',
        kind: 'cpd',
        posts: 7,
        posters: 2,
        readersWhoDidNotPost: 3, // r1, r2, r3
        perPrompt: [
          { promptId: P1, position: 1, replies: 3 }, // a, c, e (removed g does not count)
          { promptId: P2, position: 2, replies: 3 }, // b (withdrawn), fac's reply, f
        ],
        facilitators: [{ userId: u.fac!.id, displayName: 'Fay Facilitator' }],
        firstPostAt: '2024-03-04T09:00:00.000Z',
        lastPostAt: '2024-03-13T08:00:00.000Z',
        durationDays: 9, // 8 days 23 hours
      },
      {
        topicId: T2,
        title: 'Rota problem',
        kind: 'problem',
        posts: 1,
        posters: 1,
        readersWhoDidNotPost: 1, // r2
        perPrompt: [],
        facilitators: [],
        firstPostAt: '2024-03-11T00:00:00.000Z',
        lastPostAt: '2024-03-11T00:00:00.000Z',
        durationDays: 0,
      },
    ]);
    const byTitle = await getJson('mgr', `${base()}/topics?${R}&sort=title`);
    expect(byTitle.items.map((r: { title: string }) => r.title)).toEqual(['Reflective practice', 'Rota problem']);
    const byReaders = await getJson('mgr', `${base()}/topics?${R}&sort=readersWhoDidNotPost`);
    expect(byReaders.items.map((r: { topicId: string }) => r.topicId)).toEqual([T2, T1]);
  });

  it('lists per-member figures and filters by class', async () => {
    const res = await getJson('mgr', `${base()}/members?${R}`);
    expect(res.items).toHaveLength(10);
    const byId = (id: string) => res.items.find((m: { userId: string }) => m.userId === id);
    expect(byId(u.p1!.id)).toEqual({
      userId: u.p1!.id,
      displayName: 'Pat Poster',
      posts: 6,
      replies: 6,
      topicsStarted: 0,
      topicsViewed: 1,
      daysActive: 6, // Mar 4, 5, 10, 11, 12, 13
      lastSeen: '2024-03-13',
      postsPerWeek: 3,
      class: 'core',
    });
    expect(byId(u.fac!.id)).toMatchObject({ posts: 2, replies: 1, topicsStarted: 1, topicsViewed: 1, daysActive: 2, lastSeen: '2024-03-07', class: 'contributor' });
    expect(byId(u.r2!.id)).toMatchObject({ posts: 0, topicsViewed: 2, daysActive: 1, lastSeen: '2024-03-12', class: 'reader' });
    expect(byId(u.i1!.id)).toMatchObject({ posts: 0, topicsViewed: 0, daysActive: 0, lastSeen: null, class: 'inactive' });
    expect(byId(u.x!.id)).toBeUndefined();

    const names = async (query: string) =>
      ((await getJson('mgr', `${base()}/members?${R}&${query}`)).items as Array<{ userId: string }>).map((m) => m.userId).sort();
    const sorted = (...keys: string[]) => keys.map((k) => u[k]!.id).sort();
    expect(await names('class=reader')).toEqual(sorted('r1', 'r2', 'r3'));
    expect(await names('class=inactive')).toEqual(sorted('mgr', 'mod', 'i1', 'i2', 'i3'));
    expect(await names('class=core')).toEqual(sorted('p1'));
    // Relative to one topic: "show me the lurkers of this topic".
    expect(await names(`topicId=${T1}&class=reader`)).toEqual(sorted('r1', 'r2', 'r3'));
    expect(await names(`topicId=${T1}&class=contributor`)).toEqual(sorted('p1', 'fac')); // p1: 5 posts in T1 → 35 < 42
    expect(await names(`topicId=${T2}&class=reader`)).toEqual(sorted('r2'));
    expect(await names(`topicId=${T2}&class=inactive`)).toHaveLength(8);
  });

  it('tracks trajectories between the previous period and the range', async () => {
    const tr = await getJson('mgr', `/api/communities/${communityId}/engagement/trajectories?${R}`);
    expect(tr.weekStarts).toEqual(['2024-02-19', '2024-02-26', '2024-03-04', '2024-03-11']);
    const nonZero = Object.fromEntries(
      (tr.transitions as Array<{ from: string; to: string; count: number }>).filter((x) => x.count > 0).map((x) => [`${x.from}>${x.to}`, x.count]),
    );
    expect(nonZero).toEqual({
      'inactive>core': 1, // p1
      'inactive>contributor': 1, // fac
      'inactive>reader': 2, // r1, r2
      'inactive>inactive': 4, // mgr, mod, i2, i3
      'contributor>inactive': 1, // i1
      'contributor>notMember': 1, // x
      'notMember>reader': 1, // r3
    });
    expect(tr.transitions).toHaveLength(24); // 5 × 5 classes, less notMember → notMember
    const strip = (key: string) => tr.members.find((m: { userId: string }) => m.userId === u[key]!.id);
    expect(strip('p1')).toMatchObject({ previousClass: 'inactive', currentClass: 'core', weeks: ['inactive', 'inactive', 'core', 'core'] });
    expect(strip('x')).toMatchObject({ previousClass: 'contributor', currentClass: 'notMember', weeks: ['inactive', 'contributor', null, null] });
    expect(strip('i1').weeks).toEqual(['inactive', 'contributor', 'inactive', 'inactive']);
    expect(strip('r3')).toMatchObject({ previousClass: 'notMember', currentClass: 'reader', weeks: [null, null, null, 'reader'] });
    expect(strip('i3').weeks).toEqual(['inactive', 'inactive', 'inactive', null]);
    expect(tr.members).toHaveLength(11);
    expect(tr).toMatchObject({ total: 11, offset: 0, limit: 100 });
  });

  it('pages the members table, most posts first, and downloads every row', async () => {
    const all = await getJson('mgr', `${base()}/members?${R}`);
    expect(all).toMatchObject({ total: 10, offset: 0, limit: 100 });
    const ids = (all.items as Array<{ userId: string }>).map((m) => m.userId);
    expect(ids).toHaveLength(10);
    const pages = [];
    for (let offset = 0; offset < 10; offset += 3) {
      const page = await getJson('mgr', `${base()}/members?${R}&limit=3&offset=${offset}`);
      expect(page).toMatchObject({ total: 10, offset, limit: 3 });
      pages.push(...page.items);
    }
    // The same rows, figures included (topics viewed and days active are computed per page).
    expect(pages).toEqual(all.items);
    const beyond = await getJson('mgr', `${base()}/members?${R}&offset=50`);
    expect(beyond).toMatchObject({ total: 10, items: [] });
    const readers = await getJson('mgr', `${base()}/members?${R}&class=reader&limit=1`);
    expect(readers.total).toBe(3);
    expect(readers.items).toHaveLength(1);
    const json = await getJson('mgr', `${base()}/members?${R}&limit=2&format=json`);
    expect(json.items).toEqual(all.items);
    const csv = parseCsv((await (await as('mgr')).get(`${base()}/members?${R}&limit=2&format=csv`)).body.slice(1));
    expect(csv).toHaveLength(11); // header + 10
  });

  it('pages the trajectory strips by name, picks one transition, and downloads them all', async () => {
    const all = await getJson('mgr', `${base()}/trajectories?${R}`);
    const byName = (all.members as Array<{ userId: string }>).map((m) => m.userId);
    const page2 = await getJson('mgr', `${base()}/trajectories?${R}&limit=4&offset=4`);
    expect(page2).toMatchObject({ total: 11, offset: 4, limit: 4 });
    expect(page2.members.map((m: { userId: string }) => m.userId)).toEqual(byName.slice(4, 8));
    expect(page2.transitions).toEqual(all.transitions); // the table always covers everyone
    const last = await getJson('mgr', `${base()}/trajectories?${R}&limit=4&offset=8`);
    expect(last.members.map((m: { userId: string }) => m.userId)).toEqual(byName.slice(8));
    // "Which readers-to-be were inactive before?"
    const picked = await getJson('mgr', `${base()}/trajectories?${R}&fromClass=inactive&toClass=reader`);
    expect(picked.total).toBe(2);
    expect(picked.members.map((m: { userId: string }) => m.userId).sort()).toEqual([u.r1!.id, u.r2!.id].sort());
    // Downloads hold every member whatever the paging.
    const json = await getJson('mgr', `${base()}/trajectories?${R}&limit=2&format=json`);
    expect(json.members).toHaveLength(11);
    const csv = parseCsv((await (await as('mgr')).get(`${base()}/trajectories?${R}&limit=2&format=csv`)).body.slice(1));
    expect(csv).toHaveLength(12); // header + 11
  });

  it("gives a member their own figures", async () => {
    const me = await getJson('p1', `${base()}/me?${R}`);
    expect(me.member).toMatchObject({ userId: u.p1!.id, posts: 6, class: 'core', daysActive: 6 });
    expect(me.weekly).toEqual([
      { weekStart: '2024-03-04', posts: 3, class: 'core' },
      { weekStart: '2024-03-11', posts: 3, class: 'core' },
    ]);
  });
});

describe('CSV downloads', () => {
  it('returns the members table as Excel-friendly CSV that parses back to the JSON', async () => {
    const json = await getJson('mgr', `${base()}/members?${R}`);
    const res = await (await as('mgr')).get(`${base()}/members?${R}&format=csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).toContain('attachment; filename="engagement-members-2024-03-04-2024-03-17.csv"');
    expect(res.body.charCodeAt(0)).toBe(0xfeff);
    expect(res.body).toContain('\r\n');
    const [header, ...rows] = parseCsv(res.body.slice(1));
    expect(header).toEqual(['userId', 'displayName', 'posts', 'replies', 'topicsStarted', 'topicsViewed', 'daysActive', 'lastSeen', 'postsPerWeek', 'class']);
    expect(rows).toHaveLength(json.items.length);
    const fromCsv = rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]])));
    const expected = (json.items as Array<Record<string, unknown>>).map((m) =>
      Object.fromEntries(
        Object.entries(m).map(([k, v]) => [k, v === null ? '' : k === 'displayName' && String(v).startsWith('=') ? `'${v}` : String(v)]),
      ),
    );
    expect(fromCsv).toEqual(expected);
    // Quoting and formula-injection safety, checked on the raw text too.
    expect(res.body).toContain('"Ann ""the, reader"""');
    expect(res.body).toContain(`"'=HYPERLINK(""http://evil.test"")"`);
  });

  it('chooses CSV from Accept: text/csv and offers every table', async () => {
    const agent = await as('mgr');
    const viaAccept = await agent.request('GET', `${base()}?${R}&table=weekly`, undefined, { accept: 'text/csv' });
    expect(viaAccept.headers['content-type']).toMatch(/^text\/csv/);
    expect(parseCsv(viaAccept.body.slice(1))).toEqual([
      ['weekStart', 'days', 'members', 'posters', 'lurkers', 'inactive', 'core', 'contributors', 'posts'],
      ['2024-03-04', '7', '9', '2', '1', '6', '1', '1', '5'],
      ['2024-03-11', '7', '9', '1', '2', '6', '1', '0', '3'],
    ]);
    const summary = parseCsv((await agent.get(`${base()}?${R}&format=csv`)).body.slice(1));
    expect(summary[0]).toEqual(['metric', '2024-03-04..2024-03-17', '2024-02-19..2024-03-03']);
    expect(summary).toContainEqual(['posters', '2', '2']);
    expect(summary).toContainEqual(['medianFirstReplyMinutes', '90', '']);
    const top = parseCsv((await agent.get(`${base()}?${R}&format=csv&table=top`)).body.slice(1));
    expect(top[1]).toEqual([u.p1!.id, 'Pat Poster', '6', '3', '0', '2']);
    const topics = parseCsv((await agent.get(`${base()}/topics?${R}&format=csv`)).body.slice(1));
    expect(topics[1]).toEqual([T1, 'Reflective practice', 'cpd', '7', '2', '3', '1: 3; 2: 3', 'Fay Facilitator', '2024-03-04T09:00:00.000Z', '2024-03-13T08:00:00.000Z', '9']);
    const trMembers = parseCsv((await agent.get(`${base()}/trajectories?${R}&format=csv`)).body.slice(1));
    expect(trMembers[0]).toEqual(['userId', 'displayName', 'previousClass', 'currentClass', '2024-02-19', '2024-02-26', '2024-03-04', '2024-03-11']);
    expect(trMembers.find((r) => r[0] === u.r3!.id)).toEqual([u.r3!.id, 'Rae Latecomer', 'notMember', 'reader', '', '', '', 'reader']);
    const transitions = parseCsv((await agent.get(`${base()}/trajectories?${R}&format=csv&table=transitions`)).body.slice(1));
    expect(transitions).toContainEqual(['inactive', 'reader', '2']);
    expect(transitions).toHaveLength(25);
    // JSON stays the default, and wins when both are accepted.
    const both = await agent.request('GET', `${base()}?${R}`, undefined, { accept: 'application/json, text/csv' });
    expect(both.headers['content-type']).toMatch(/^application\/json/);
  });
});

describe('authorisation', () => {
  const urls = () => ({
    summary: `${base()}?${R}`,
    topics: `${base()}/topics?${R}`,
    members: `${base()}/members?${R}`,
    topicMembersOwn: `${base()}/members?${R}&topicId=${T1}`,
    topicMembersOther: `${base()}/members?${R}&topicId=${T2}`,
    topicRowOther: `${base()}/topics?${R}&topicId=${T2}`,
    trajectories: `${base()}/trajectories?${R}`,
    me: `${base()}/me?${R}`,
  });
  type Key = keyof ReturnType<typeof urls>;
  const all = (status: number, overrides: Partial<Record<Key, number>> = {}) =>
    ({ summary: status, topics: status, members: status, topicMembersOwn: status, topicMembersOther: status, topicRowOther: status, trajectories: status, me: status, ...overrides });
  const matrix: Array<[string, Record<Key, number>]> = [
    ['anonymous', all(401)],
    ['outsider', all(404)],
    ['x', all(404)], // removed before: no longer a member
    ['r1', all(403, { me: 200 })], // practitioner
    ['fac', all(403, { topics: 200, topicMembersOwn: 200, me: 200 })], // facilitator of T1 only
    ['mod', all(403, { me: 200 })],
    ['mgr', all(200)],
    ['admin', all(200, { me: 403 })], // an admin who is not a member has no own figures here
  ];
  for (const [who, expected] of matrix) {
    it(`${who}: ${JSON.stringify(expected)}`, async () => {
      const agent = await as(who);
      const got: Record<string, number> = {};
      for (const [key, url] of Object.entries(urls())) got[key] = (await agent.get(url)).statusCode;
      expect(got).toEqual(expected);
    });
  }

  it('gives a facilitator only the topics they facilitate', async () => {
    const res = await getJson('fac', `${base()}/topics?${R}`);
    expect(res.items.map((r: { topicId: string }) => r.topicId)).toEqual([T1]);
    // The same figures as in the manager's full table (the facilitator's query reads only their topics).
    const all = await getJson('mgr', `${base()}/topics?${R}`);
    expect(res.items[0]).toEqual(all.items.find((r: { topicId: string }) => r.topicId === T1));
    expect(res.items[0].readersWhoDidNotPost).toBeGreaterThan(0);
  });

  it('refuses with problem JSON, and 404s a topic of another community', async () => {
    const res = await (await as('r1')).get(`${base()}?${R}`);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe('forbidden');
    const foreign = await (await as('mgr')).get(`${base()}/members?${R}&topicId=${T3}`);
    expect(foreign.statusCode).toBe(404);
  });
});

describe('parameter validation', () => {
  // URLs are functions: the community exists only once beforeAll has run.
  const cases: Array<[string, () => string, string]> = [
    ['invalid calendar date', () => `${base()}?from=2024-02-30&to=2024-03-17`, 'from'],
    ['malformed date', () => `${base()}?from=2024-3-4&to=2024-03-17`, 'from'],
    ['reversed range', () => `${base()}?from=2024-03-17&to=2024-03-04`, 'to'],
    ['range over 731 days', () => `${base()}?from=2022-01-01&to=2024-01-02`, 'to'],
    ['unknown class', () => `${base()}/members?${R}&class=lurker`, 'class'],
    ['unknown time zone', () => `${base()}?${R}&tz=Mars/Olympus_Mons`, 'tz'],
    ['limit out of bounds', () => `${base()}?${R}&limit=0`, 'limit'],
    ['unknown format', () => `${base()}?${R}&format=xml`, 'format'],
    ['bad topicId', () => `${base()}/members?${R}&topicId=nope`, 'topicId'],
    ['unknown sort', () => `${base()}/topics?${R}&sort=-secret`, 'sort'],
    ['unknown table', () => `${base()}/trajectories?${R}&table=everything`, 'table'],
    ['unknown trajectory class', () => `${base()}/trajectories?${R}&fromClass=lurker`, 'fromClass'],
    ['negative offset', () => `${base()}/trajectories?${R}&offset=-1`, 'offset'],
    ['page too large', () => `${base()}/trajectories?${R}&limit=1001`, 'limit'],
    ['members page too large', () => `${base()}/members?${R}&limit=1001`, 'limit'],
    ['members offset not a number', () => `${base()}/members?${R}&offset=ten`, 'offset'],
  ];
  for (const [what, url, field] of cases) {
    it(`${what} → 400 naming ${field}`, async () => {
      const res = await (await as('mgr')).get(url());
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ status: 400, field });
    });
  }

  it('accepts exactly 731 days and defaults to the last 91 days', async () => {
    expect((await (await as('mgr')).get(`${base()}?from=2022-01-01&to=2024-01-01`)).statusCode).toBe(200);
    const s = await getJson('mgr', base());
    expect(s.range.days).toBe(91);
    expect(s.range.to).toBe(new Date().toISOString().slice(0, 10));
  });
});

describe('API document', () => {
  it('documents every engagement route with JSON and CSV responses and the definitions', async () => {
    const doc = (await t.anonymous.get('/api/openapi.json')).json();
    for (const path of ['', '/topics', '/members', '/trajectories', '/me']) {
      const op = doc.paths[`/api/communities/{communityId}/engagement${path}`]?.get;
      expect(op, path).toBeDefined();
      expect(op.tags).toEqual(['engagement']);
      expect(Object.keys(op.responses['200'].content)).toEqual(['application/json', 'text/csv']);
      expect(op.description).toContain('Weeks start on Monday');
    }
    // The paging parameters and the totals that go with them.
    const params = (path: string) => doc.paths[`/api/communities/{communityId}/engagement${path}`].get.parameters.map((p: { name: string }) => p.name);
    expect(params('/members')).toEqual(expect.arrayContaining(['limit', 'offset', 'class', 'topicId']));
    expect(params('/trajectories')).toEqual(expect.arrayContaining(['limit', 'offset', 'fromClass', 'toClass', 'table']));
    const json = (path: string) => doc.paths[`/api/communities/{communityId}/engagement${path}`].get.responses['200'].content['application/json'].schema;
    expect(Object.keys(json('/members').properties)).toEqual(expect.arrayContaining(['total', 'offset', 'limit', 'items']));
    expect(Object.keys(json('/trajectories').properties)).toEqual(expect.arrayContaining(['total', 'offset', 'limit', 'members']));
  });
});
