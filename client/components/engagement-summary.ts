// The summary part of the engagement dashboard (<stoa-engagement-dashboard>): cards compared with the previous
// period, what the figures mean, the week-by-week chart and table, and the top contributors. Markup only, as in
// engagement-charts.ts: the dashboard loads the report and makes the download links (they carry its period).
import { html, nothing, type TemplateResult } from 'lit';
import type { EngagementReport } from '../api/engagement.js';
import { formatDuration } from '../format.js';
import { weeklyChart, weeklyTable } from './engagement-charts.js';
import type { EngagementSummary } from '../../shared/schemas/engagement.js';

/** The definitions shown first (the rest fold under "More definitions"). */
const MAIN_DEFINITIONS = ['range', 'members', 'posters', 'lurkers', 'inactive', 'medianFirstReplyMinutes', 'previous'];
/** Headings for the API's definitions: the words the cards and tables use, not the API's field names. */
const DEFINITION_LABEL: Record<string, string> = {
  range: 'The period',
  members: 'Members',
  posters: 'Posted',
  lurkers: 'Only read',
  inactive: 'Inactive',
  classes: 'Groups: core, contributor, reader, inactive',
  posts: 'Posts',
  views: 'Reading',
  postsPerWeek: 'Posts a week',
  medianFirstReplyMinutes: 'Typical time to first reply',
  previous: 'Compared with the previous period',
  helpfulReceived: 'Helpful received',
  topics: 'Topics',
  trajectories: 'Movement between groups',
};

/** CSV and JSON links for one table of the report (the dashboard's `downloads`). */
export type DownloadLinks = (report: EngagementReport, what: string, extra?: Record<string, string>) => TemplateResult;

/** The summary report's sections. */
export function summarySections(s: EngagementSummary, downloads: DownloadLinks) {
  const prev = s.previous;
  const change = (now: number, before: number) => {
    const d = now - before;
    return d === 0 ? 'same as the previous period' : `${d > 0 ? '+' : '−'}${Math.abs(d)} on the previous period`;
  };
  const card = (label: string, value: number | string, sub: string) =>
    html`<li class="card"><span class="value">${value}</span> ${label}<br /><span class="sub">${sub}</span></li>`;
  const share = (k: 'posters' | 'lurkers' | 'inactive') => `${s.percentages[k]}% of members`;
  const firstReply = s.medianFirstReplyMinutes === null ? '—' : formatDuration(s.medianFirstReplyMinutes);
  const firstReplyBefore = prev.medianFirstReplyMinutes === null ? 'no figure for the previous period' : `previously ${formatDuration(prev.medianFirstReplyMinutes)}`;
  const definition = (k: string) => {
    const text = s.definitions[k];
    if (!text) return nothing;
    const term = DEFINITION_LABEL[k] ?? k;
    // The API's text starts with its own term ("Posted: members who…"); under that heading once is enough.
    const body = text.toLowerCase().startsWith(`${term.toLowerCase()}: `) ? text.slice(term.length + 2).replace(/^./, (c) => c.toUpperCase()) : text;
    return html`<dt>${term}</dt><dd>${body}</dd>`;
  };
  return html`
    <section aria-labelledby="summary-h">
      <h2 id="summary-h">Summary ${s.range.from} – ${s.range.to}</h2>
      <ul class="cards">
        ${card('members', s.members, change(s.members, prev.members))}
        ${card('posted', s.posters, `${share('posters')}; ${change(s.posters, prev.posters)}`)}
        ${card('only read', s.lurkers, `${share('lurkers')}; ${change(s.lurkers, prev.lurkers)}`)}
        ${card('inactive', s.inactive, `${share('inactive')}; ${change(s.inactive, prev.inactive)}`)}
        ${card('posts', s.posts, change(s.posts, prev.posts))}
        ${card('replies', s.replies, change(s.replies, prev.replies))}
        ${card('new topics', s.newTopics, change(s.newTopics, prev.newTopics))}
        ${card('removed posts', s.removedPosts, change(s.removedPosts, prev.removedPosts))}
        ${card('typical time to first reply', firstReply, firstReplyBefore)}
      </ul>
      ${downloads('', 'the summary', { table: 'summary' })}
      <h3>What the figures mean</h3>
      <dl class="definitions">${MAIN_DEFINITIONS.map(definition)}</dl>
      <details>
        <summary>More definitions</summary>
        <dl class="definitions">${Object.keys(s.definitions).filter((k) => !MAIN_DEFINITIONS.includes(k)).map(definition)}</dl>
      </details>
    </section>
    <section aria-labelledby="weekly-h">
      <h2 id="weekly-h">Week by week (weeks start on Monday)</h2>
      <div class="chart-and-table">${weeklyChart(s)} ${weeklyTable(s)}</div>
      ${downloads('', 'the weekly figures', { table: 'weekly' })}
    </section>
    <section aria-labelledby="top-h">
      <h2 id="top-h">Top ${s.top.length} contributors</h2>
      <div class="scroll" tabindex="0" role="region" aria-label="Top contributors table (scrolls sideways)">
        <table>
          <caption>Top ${s.top.length} contributors by posts</caption>
          <thead><tr><th>#</th><th>Member</th><th class="n">Posts</th><th class="n">Posts a week</th><th class="n">Topics started</th><th class="n">Helpful received</th></tr></thead>
          <tbody>
            ${s.top.map(
              (t, i) => html`<tr><td>${i + 1}</td><td>${t.displayName}</td><td class="n">${t.posts}</td><td class="n">${t.postsPerWeek}</td><td class="n">${t.topicsStarted}</td><td class="n">${t.helpfulReceived}</td></tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${downloads('', 'the top contributors', { table: 'top' })}
    </section>
  `;
}
