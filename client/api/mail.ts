// The mail outbox of the embedded default (admins): /api/admin/outbox.
import type { Outbox } from '../../shared/schemas/mail.js';
import { request } from './http.js';

export type { Outbox } from '../../shared/schemas/mail.js';

export const mailApi = {
  outbox: (signal?: AbortSignal) => request<Outbox>('GET', '/api/admin/outbox', undefined, signal),
};
