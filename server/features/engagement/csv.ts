// CSV for spreadsheets: UTF-8 with a byte-order mark (Excel detects the encoding by it), a header row,
// RFC 4180 quoting and CRLF line ends. Text cells that a spreadsheet would run as a formula
// (starting with = + - @, tab or carriage return) get a leading single quote.
import type {
  EngagementSummary,
  MembersEngagement,
  Trajectories,
  TopicsEngagement,
} from '../../../shared/schemas/engagement.js';

export type Cell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: Cell[][]): string {
  const lines = [header, ...rows].map((r) => r.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export function summaryCsv(s: EngagementSummary, table: 'summary' | 'weekly' | 'top'): string {
  if (table === 'weekly') {
    const cols = ['weekStart', 'days', 'members', 'posters', 'lurkers', 'inactive', 'core', 'contributors', 'posts'] as const;
    return toCsv([...cols], s.weekly.map((w) => cols.map((c) => w[c])));
  }
  if (table === 'top') {
    const cols = ['userId', 'displayName', 'posts', 'postsPerWeek', 'topicsStarted', 'helpfulReceived'] as const;
    return toCsv([...cols], s.top.map((t) => cols.map((c) => t[c])));
  }
  const metrics = ['members', 'posters', 'lurkers', 'inactive', 'core', 'contributors', 'posts', 'replies', 'newTopics', 'removedPosts', 'medianFirstReplyMinutes'] as const;
  const rows: Cell[][] = metrics.map((m) => [m, s[m], s.previous[m]]);
  for (const k of ['posters', 'lurkers', 'inactive'] as const) rows.push([`${k}Percent`, s.percentages[k], s.previous.percentages[k]]);
  return toCsv(['metric', `${s.range.from}..${s.range.to}`, `${s.previousRange.from}..${s.previousRange.to}`], rows);
}

export function topicsCsv(t: TopicsEngagement): string {
  return toCsv(
    ['topicId', 'title', 'kind', 'posts', 'posters', 'readersWhoDidNotPost', 'perPrompt', 'facilitators', 'firstPostAt', 'lastPostAt', 'durationDays'],
    t.items.map((r) => [
      r.topicId,
      r.title,
      r.kind,
      r.posts,
      r.posters,
      r.readersWhoDidNotPost,
      // "prompt position: replies", e.g. "1: 3; 2: 5"
      r.perPrompt.map((p) => `${p.position}: ${p.replies}`).join('; '),
      r.facilitators.map((f) => f.displayName).join('; '),
      r.firstPostAt,
      r.lastPostAt,
      r.durationDays,
    ]),
  );
}

export function membersCsv(m: MembersEngagement): string {
  const cols = ['userId', 'displayName', 'posts', 'replies', 'topicsStarted', 'topicsViewed', 'daysActive', 'lastSeen', 'postsPerWeek', 'class'] as const;
  return toCsv([...cols], m.items.map((r) => cols.map((c) => r[c])));
}

export function trajectoriesCsv(t: Trajectories, table: 'members' | 'transitions'): string {
  if (table === 'transitions') return toCsv(['from', 'to', 'count'], t.transitions.map((r) => [r.from, r.to, r.count]));
  return toCsv(
    ['userId', 'displayName', 'previousClass', 'currentClass', ...t.weekStarts],
    t.members.map((m) => [m.userId, m.displayName, m.previousClass, m.currentClass, ...m.weeks]),
  );
}
