// App-wide services, provided once by <stoa-app> and consumed anywhere below it with @lit/context:
//   apiContext     – the typed API client (client/api)
//   sessionContext – who is signed in; a new object whenever it changes, so subscribers re-render.
//   liveContext    – the tab's one live-update connection (null when signed out).
import { createContext } from '@lit/context';
import type { Api, Me } from './api/index.js';
import type { LiveConnection } from './api/live-connection.js';

export const apiContext = createContext<Api>(Symbol('stoa-api'));

export type Session =
  | { status: 'loading'; me: null }
  | { status: 'signed-out'; me: null }
  | { status: 'signed-in'; me: Me };

export const sessionContext = createContext<Session>(Symbol('stoa-session'));

export const liveContext = createContext<LiveConnection | null>(Symbol('stoa-live'));
