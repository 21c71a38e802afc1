// LiveSubscription (client/api/live-connection.ts): a view's one channel subscription moves only when
// the connection or the channel really changed, and stops when the view leaves the page. A recording
// stand-in for LiveConnection: the connection itself is tested against a real server in live-connection.test.ts.
import { describe, expect, it } from 'vitest';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { LiveSubscription, type ChannelListener, type LiveConnection } from '../../client/api/live-connection.js';

function recordingConnection(log: string[], name: string) {
  return {
    subscribe(channel: string, _listener: ChannelListener) {
      log.push(`${name} +${channel}`);
      return () => log.push(`${name} -${channel}`);
    },
  } as unknown as LiveConnection;
}

describe('LiveSubscription', () => {
  it('subscribes once per (connection, channel), moves on a change, and stops when the host disconnects', () => {
    const controllers: ReactiveController[] = [];
    const host = { addController: (c: ReactiveController) => controllers.push(c) } as unknown as ReactiveControllerHost;
    const made: string[] = [];
    const sub = new LiveSubscription(host, (channel) => (made.push(channel), { onEvent: () => {} }));
    const log: string[] = [];
    const a = recordingConnection(log, 'A');
    const b = recordingConnection(log, 'B');

    expect(sub.sync(null, 'topic:1')).toBe(false); // no connection yet: nothing
    expect(sub.sync(a, 'topic:1')).toBe(true);
    expect(sub.sync(a, 'topic:1')).toBe(false); // every render calls sync: no churn
    expect(sub.sync(a, 'topic:2')).toBe(true);
    expect(sub.sync(b, 'topic:2')).toBe(true); // a new connection from context
    expect(sub.sync(b, null)).toBe(true);
    expect(sub.sync(b, null)).toBe(false);
    expect(sub.sync(b, 'topic:3')).toBe(true);
    controllers.forEach((c) => c.hostDisconnected?.());
    expect(log).toEqual(['A +topic:1', 'A -topic:1', 'A +topic:2', 'A -topic:2', 'B +topic:2', 'B -topic:2', 'B +topic:3', 'B -topic:3']);
    expect(made).toEqual(['topic:1', 'topic:2', 'topic:2', 'topic:3']); // a fresh listener per subscription
  });
});
