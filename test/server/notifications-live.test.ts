// The per-member live message: when the notifier writes notifications, the members' own sockets (and no one
// else's) are told to ask again, through NOTIFY, so it works across processes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { connectLive, sleep } from '../helpers/live-client.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => t?.close());

describe('the notifications live message', () => {
  it('reaches the notified member\'s sockets only', async () => {
    const community = await t.makeCommunity();
    const ana = await t.as(await t.makeMember(community.id));
    const ben = await t.as(await t.makeMember(community.id));
    const cai = await t.as(await t.makeMember(community.id));
    await t.app.notifier.drain();
    const [anaTab1, anaTab2, caiTab] = await Promise.all([connectLive(t, ana), connectLive(t, ana), connectLive(t, cai)]);
    const topic = (await ana.post(`/api/communities/${community.id}/topics`, { kind: 'problem', title: 'Live bell', body: 'Q' })).json();
    await t.app.notifier.drain(); // Ben and Cai: a new topic
    await caiTab.waitFor((m) => m.type === 'notifications', 'Cai: notifications');
    expect(anaTab1.messages.filter((m) => m.type === 'notifications')).toEqual([]);
    const before = caiTab.messages.length;

    await ben.post(`/api/topics/${topic.id}/posts`, { body: 'A reply for Ana' });
    await t.app.notifier.drain();
    await anaTab1.waitFor((m) => m.type === 'notifications', 'Ana tab 1');
    await anaTab2.waitFor((m) => m.type === 'notifications', 'Ana tab 2');
    await sleep(200); // a message to Cai would have arrived with Ana's
    expect(caiTab.messages.slice(before).filter((m) => m.type === 'notifications')).toEqual([]);
    await Promise.all([anaTab1.close(), anaTab2.close(), caiTab.close()]);
  });
});
