// Reading what a client sends to the topics API: times (a topic's schedule, a prompt's release) and the
// topic list's keyset cursor. Shared by the topic use cases (service.ts) and the prompt ones (prompts.ts).
import { invalid } from '../../errors.js';
import { isUuid } from '../../../shared/schemas/common.js';
import { CURSOR_TIME } from '../../domain/cursor.js';

export const parseTime = (field: string, value: string | null | undefined): Date | null | undefined => {
  if (value === undefined || value === null) return value;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw invalid(field, `${field} is not a valid time.`);
  return d;
};

export function checkSchedule(opensAt: Date | null, closesAt: Date | null) {
  if (opensAt && closesAt && closesAt <= opensAt) throw invalid('closesAt', 'closesAt must be after opensAt.', 'invalid_schedule');
}

export const encodeCursor = (key: string) => Buffer.from(key, 'utf8').toString('base64url');

export function decodeTopicCursor(cursor: string) {
  const [pinned, time, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (extra !== undefined || (pinned !== 'true' && pinned !== 'false') || !time || !CURSOR_TIME.test(time) || !id || !isUuid(id)) {
    throw invalid('cursor', 'The cursor is not valid.', 'invalid_cursor');
  }
  return { pinned: pinned === 'true', lastActivityAt: time, id };
}
