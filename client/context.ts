// App-wide services, provided once by <stoa-app> and consumed anywhere below it with @lit/context:
//   apiContext     – the typed API client (client/api); components read it through ApiConsumer below.
//   sessionContext – who is signed in; a new object whenever it changes, so subscribers re-render.
//   liveContext    – the tab's one live-update connection (null when signed out).
import { ContextConsumer, createContext } from '@lit/context';
import type { ReactiveControllerHost } from 'lit';
import type { Api, Me } from './api/index.js';
import type { LiveConnection } from './api/live-connection.js';

export const apiContext = createContext<Api>(Symbol('stoa-api'));

export type Session =
  | { status: 'loading'; me: null }
  | { status: 'signed-out'; me: null }
  | { status: 'signed-in'; me: Me };

export const sessionContext = createContext<Session>(Symbol('stoa-session'));

export const liveContext = createContext<LiveConnection | null>(Symbol('stoa-live'));
/** The community of the page (the topic page provides it): composers look up members to @mention there. */
export const communityIdContext = createContext<string | null>(Symbol('stoa-community-id'));

/**
 * The API client of the app this element is in: `private readonly api = new ApiConsumer(this)`, then
 * `this.api.client.topics.get(…)`. The context answers when the element connects, so `client` is there for
 * every load, event handler and render; outside <stoa-app> (or the jsdom shell) it says so instead of
 * failing later on `undefined`.
 */
export class ApiConsumer {
  private readonly consumer: ContextConsumer<typeof apiContext, ReactiveControllerHost & HTMLElement>;

  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.consumer = new ContextConsumer(host, { context: apiContext });
  }

  get client(): Api {
    const api = this.consumer.value;
    if (!api) throw new Error('No API client in context: the element is not inside <stoa-app>.');
    return api;
  }
}
