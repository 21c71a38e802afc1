// The engagement dashboard (issue 6). Managers (and admins) see the whole community: the definitions, a
// date range (default: the last 91 days, the API's default), summary cards compared with the previous
// period, a weekly SVG chart with the same figures in a table beside it (for screen readers), the top
// contributors (those three: engagement-summary.ts), per-topic (sortable) and per-member (filterable by
// class) tables and the trajectories, each table with CSV and JSON download links. With `topicId` (a
// facilitator's "Participation" link) it shows that topic's row and its members only. Refusals come from
// the server (403) and are shown in words.
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { Task, initialState } from '@lit/task';
import { ApiError, messageFor } from '../api/index.js';
import type { EngagementReport } from '../api/engagement.js';
import { ApiConsumer } from '../context.js';
import { utcDay } from '../format.js';
import { paths } from '../router.js';
import './stoa-invite-readers.js';
import { dashboardStyles } from './stoa-engagement-dashboard.styles.js';
import { CLASS_COLOUR, CLASS_LABEL, perPromptBars, transitionsTable } from './engagement-charts.js';
import { summarySections } from './engagement-summary.js';
import {
  ENGAGEMENT_DEFAULT_DAYS,
  type EngagementClass,
  type EngagementSummary,
  type MembersEngagement,
  type Trajectories,
  type TopicsEngagement,
} from '../../shared/schemas/engagement.js';

type Load<T> = { state: 'idle' } | { state: 'loading' } | { state: 'ok'; data: T } | { state: 'error'; status: number; message: string };

export class StoaEngagementDashboard extends LitElement {
  static override properties = {
    communityId: { attribute: false },
    topicId: { attribute: false },
    slug: { attribute: false },
    from: { state: true },
    to: { state: true },
    tz: { state: true },
    topicSort: { state: true },
    memberClass: { state: true },
    summary: { state: true },
    topics: { state: true },
    members: { state: true },
    trajectories: { state: true },
  };

  declare communityId: string;
  /** One topic's view (facilitators), or null for the whole community. */
  declare topicId: string | null;
  /** For links back to topics. */
  declare slug: string;
  declare from: string;
  declare to: string;
  declare tz: string;
  declare topicSort: string;
  declare memberClass: '' | EngagementClass;
  declare summary: Load<EngagementSummary>;
  declare topics: Load<TopicsEngagement>;
  declare members: Load<MembersEngagement>;
  declare trajectories: Load<Trajectories>;
  private readonly api = new ApiConsumer(this);

  /**
   * The reports for the period: all four for managers, one topic's rows and members for a facilitator. A
   * newer run (another community or topic, a new period) supersedes one in flight, whose answers are dropped.
   */
  private readonly reports = new Task(this, {
    task: async ([id, topicId], { signal }) => {
      if (!id) return initialState;
      const api = this.api.client.engagement;
      this.topics = { state: 'loading' };
      this.members = { state: 'loading' };
      if (topicId) {
        // One topic: the community-wide summary and trajectories are for managers only.
        this.summary = { state: 'idle' };
        this.trajectories = { state: 'idle' };
        const [topics, members] = await Promise.all([
          this.fetchLoad(() => api.topics(id, { ...this.range(), ...this.topicFilter(), sort: this.topicSort }, signal), signal),
          this.fetchLoad(() => api.members(id, { ...this.range(), ...this.topicFilter(), class: this.memberClass || undefined }, signal), signal),
        ]);
        return { topics, members };
      }
      this.summary = { state: 'loading' };
      this.trajectories = { state: 'loading' };
      const [summary, topics, members, trajectories] = await Promise.all([
        this.fetchLoad(() => api.summary(id, this.range(), signal), signal),
        this.fetchLoad(() => api.topics(id, { ...this.range(), sort: this.topicSort }, signal), signal),
        this.fetchLoad(() => api.members(id, { ...this.range(), class: this.memberClass || undefined }, signal), signal),
        this.fetchLoad(() => api.trajectories(id, this.range(), signal), signal),
      ]);
      return { summary, topics, members, trajectories };
    },
    args: () => [this.communityId, this.topicId] as const,
    onComplete: (loaded) => Object.assign(this, loaded),
  });
  /** The topics table in another order (the rows shown stay until it arrives). */
  private readonly sortedTopics = new Task(this, {
    task: async ([sort]: readonly [string], { signal }) =>
      this.fetchLoad(() => this.api.client.engagement.topics(this.communityId, { ...this.range(), ...this.topicFilter(), sort }, signal), signal),
    autoRun: false,
    onComplete: (load) => (this.topics = load),
  });
  /** The members table for another class (the rows shown stay until it arrives). */
  private readonly classMembers = new Task(this, {
    task: async ([cls]: readonly ['' | EngagementClass], { signal }) =>
      this.fetchLoad(() => this.api.client.engagement.members(this.communityId, { ...this.range(), ...this.topicFilter(), class: cls || undefined }, signal), signal),
    autoRun: false,
    onComplete: (load) => (this.members = load),
  });

  constructor() {
    super();
    this.communityId = '';
    this.topicId = null;
    this.slug = '';
    const today = new Date();
    this.to = utcDay(today);
    this.from = utcDay(new Date(today.getTime() - (ENGAGEMENT_DEFAULT_DAYS - 1) * 86_400_000));
    // UTC, as the API: the reports read their day rollups directly; any other zone is one field away.
    this.tz = 'UTC';
    this.topicSort = '-posts';
    this.memberClass = '';
    this.summary = { state: 'idle' };
    this.topics = { state: 'idle' };
    this.members = { state: 'idle' };
    this.trajectories = { state: 'idle' };
  }

  static override styles = dashboardStyles;

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.reports.abort();
  }

  private range() {
    return { from: this.from, to: this.to, tz: this.tz };
  }

  /** The topic filter, when this is one topic's view. */
  private topicFilter() {
    return this.topicId ? { topicId: this.topicId } : {};
  }

  /** Runs one request; a refusal becomes an error state that the section shows in words. */
  private async fetchLoad<T>(run: () => Promise<T>, signal: AbortSignal): Promise<Load<T>> {
    try {
      return { state: 'ok', data: await run() };
    } catch (error) {
      if (signal.aborted) return { state: 'loading' };
      return { state: 'error', status: error instanceof ApiError ? error.status : 0, message: messageFor(error) };
    }
  }

  private reloadTopics(sort: string) {
    this.topicSort = sort;
    void this.sortedTopics.run([sort]);
  }

  /**
   * The next page of a paged table (members, trajectory strips) appended to the rows already shown.
   * `rows` names the array that pages; a failure shows in place of the table, as a reload's would.
   */
  private async appendPage<T extends { total: number }, K extends keyof T>(
    load: Load<T>,
    rows: K,
    fetchPage: (offset: string, signal: AbortSignal) => Promise<T>,
  ): Promise<Load<T>> {
    if (load.state !== 'ok') return load;
    const shown = load.data[rows] as unknown[];
    const s = new AbortController().signal;
    const next = await this.fetchLoad(() => fetchPage(String(shown.length), s), s);
    return next.state === 'ok' ? { state: 'ok', data: { ...next.data, [rows]: [...shown, ...(next.data[rows] as unknown[])] } } : next;
  }

  private async moreMembers() {
    const query = { ...this.range(), ...this.topicFilter(), class: this.memberClass || undefined };
    this.members = await this.appendPage(this.members, 'items', (offset, s) => this.api.client.engagement.members(this.communityId, { ...query, offset }, s));
  }

  private async moreTrajectories() {
    this.trajectories = await this.appendPage(this.trajectories, 'members', (offset, s) =>
      this.api.client.engagement.trajectories(this.communityId, { ...this.range(), offset }, s),
    );
  }

  /** "Showing 100 of 9,000, <order>." and a button for the next page while there is one. */
  private pageStatus(shown: number, page: { total: number; limit: number | null }, order: string, more: () => void) {
    const left = page.total - shown;
    return html`<p class="sub" aria-live="polite">Showing ${shown} of ${page.total}, ${order}.
      ${left > 0 ? html`<button type="button" @click=${more}>Show ${Math.min(page.limit ?? left, left)} more</button>` : nothing}</p>`;
  }

  private reloadMembers(cls: '' | EngagementClass) {
    this.memberClass = cls;
    void this.classMembers.run([cls]);
  }

  private onSubmit(e: Event) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    this.from = String(data.get('from'));
    this.to = String(data.get('to'));
    this.tz = String(data.get('tz')) || 'UTC';
    void this.reports.run();
  }

  /** CSV and JSON links for one table; `what` names the table for screen readers ("Download CSV of the top contributors"). */
  private downloads(report: EngagementReport, what: string, extra: Record<string, string> = {}) {
    const url = (format: 'csv' | 'json') =>
      this.api.client.engagement.downloadUrl(this.communityId, report, format, { ...this.range(), ...this.topicFilter(), ...extra });
    return html`<p class="downloads">
      <a href=${url('csv')} download>Download CSV<span class="visually-hidden"> of ${what}</span></a>
      <a href=${url('json')} download>Download JSON<span class="visually-hidden"> of ${what}</span></a>
    </p>`;
  }

  private problem(load: Load<unknown>): TemplateResult | typeof nothing {
    if (load.state === 'loading') return html`<p aria-live="polite">Loading…</p>`;
    if (load.state !== 'error') return nothing;
    // The server's own words (its 403 names who may see the report).
    return html`<p class="error" role="alert">${load.message}</p>`;
  }

  override render() {
    // Refused (403): say it once, in the server's words, instead of once per table.
    const first = this.topicId ? this.topics : this.summary;
    if (first.state === 'error' && first.status === 403) return html`<p class="error" role="alert">${first.message}</p>`;
    return html`
      <form class="range" @submit=${this.onSubmit} aria-label="Report period">
        <div class="field"><label for="from">From</label><input id="from" type="date" name="from" .value=${this.from} required /></div>
        <div class="field"><label for="to">To</label><input id="to" type="date" name="to" .value=${this.to} required /></div>
        <div class="field"><label for="tz">Time zone</label><input id="tz" type="text" name="tz" .value=${this.tz} list="tz-here" aria-describedby="tz-hint" />
          <datalist id="tz-here"><option value="UTC"></option><option value=${Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'}></option></datalist>
          <span id="tz-hint" class="sub">IANA name, e.g. ${Intl.DateTimeFormat().resolvedOptions().timeZone || 'Europe/Berlin'}</span></div>
        <button type="submit">Show</button>
      </form>
      ${this.topicId
        ? html`<p><a href=${paths.engagement(this.slug)}>The whole community’s figures</a> (managers)</p>`
        : html`${this.renderSummary()}`}
      ${this.renderTopics()} ${this.topicId ? html`<stoa-invite-readers .topicId=${this.topicId}></stoa-invite-readers>` : nothing}
      ${this.renderMembers()} ${this.topicId ? nothing : this.renderTrajectories()}
    `;
  }

  private renderSummary() {
    const load = this.summary;
    if (load.state !== 'ok') return html`<section>${this.problem(load)}</section>`;
    return summarySections(load.data, (report, what, extra) => this.downloads(report, what, extra));
  }

  /** A sort button inside a header that holds two figures ("Members: posted · only read"). */
  private sortToggle(key: string, label: string) {
    const active = this.topicSort.replace(/^-/, '') === key;
    const desc = this.topicSort.startsWith('-');
    return html`<button class="sort" type="button" aria-pressed=${active ? 'true' : 'false'} @click=${() => this.reloadTopics(active && desc ? key : `-${key}`)}>
      ${label}${active ? (desc ? ' ▼' : ' ▲') : ''}<span class="visually-hidden">${active ? (desc ? ', most first' : ', fewest first') : ', sort by this'}</span>
    </button>`;
  }

  private renderTopics() {
    const load = this.topics;
    const sortButton = (key: string, label: string) => {
      const active = this.topicSort.replace(/^-/, '') === key;
      const desc = this.topicSort.startsWith('-');
      const next = active && desc ? key : `-${key}`;
      return html`<th class="n" aria-sort=${active ? (desc ? 'descending' : 'ascending') : 'none'}>
        <button class="sort" type="button" @click=${() => this.reloadTopics(next)}>${label}${active ? (desc ? ' ▼' : ' ▲') : ''}</button>
      </th>`;
    };
    return html`<section aria-labelledby="topics-h">
      <h2 id="topics-h">Topics</h2>
      ${load.state === 'ok'
        ? html`<div class="scroll" tabindex="0" role="region" aria-label="Topics table (scrolls sideways)"><table>
            <thead><tr>
              <th>Topic</th>${sortButton('posts', 'Posts')}
              <th class="people" aria-sort=${this.topicSort.replace(/^-/, '') === 'posters' || this.topicSort.replace(/^-/, '') === 'readersWhoDidNotPost' ? (this.topicSort.startsWith('-') ? 'descending' : 'ascending') : 'none'}>
                Members: ${this.sortToggle('posters', 'posted')} · ${this.sortToggle('readersWhoDidNotPost', 'only read')}
              </th>
              <th>Replies per prompt</th><th>Facilitators</th>${sortButton('firstPostAt', 'First post')}${sortButton('lastPostAt', 'Last post')}${sortButton('durationDays', 'Days')}
            </tr></thead>
            <tbody>
              ${load.data.items.map(
                (t) => html`<tr>
                  <td>${this.slug ? html`<a href=${paths.topic(this.slug, t.topicId)}>${t.title}</a>` : t.title} <small>(${t.kind === 'cpd' ? 'CPD' : 'problem'})</small></td>
                  <td class="n">${t.posts}</td><td class="people">${t.posters} posted · ${t.readersWhoDidNotPost} only read</td>
                  <td>${perPromptBars(t.perPrompt)}</td>
                  <td>${t.facilitators.map((f) => f.displayName).join(', ') || '—'}</td>
                  <td>${t.firstPostAt?.slice(0, 10) ?? '—'}</td><td>${t.lastPostAt?.slice(0, 10) ?? '—'}</td>
                  <td class="n">${t.durationDays ?? '—'}</td>
                </tr>`,
              )}
            </tbody>
          </table></div>
          ${this.downloads('/topics', 'the topics', { sort: this.topicSort })}`
        : this.problem(load)}
    </section>`;
  }

  private renderMembers() {
    const load = this.members;
    return html`<section aria-labelledby="members-h">
      <h2 id="members-h">Members</h2>
      <div class="field"><label for="member-class">Show</label>
        <select id="member-class" @change=${(e: Event) => this.reloadMembers((e.target as HTMLSelectElement).value as '' | EngagementClass)}>
          <option value="" ?selected=${this.memberClass === ''}>everyone</option>
          ${(['core', 'contributor', 'reader', 'inactive'] as const).map(
            (c) => html`<option value=${c} ?selected=${this.memberClass === c}>${CLASS_LABEL[c].toLowerCase()}s</option>`,
          )}
        </select></div>
      ${load.state === 'ok'
        ? html`<div class="scroll" tabindex="0" role="region" aria-label="Members table (scrolls sideways)"><table>
            <thead><tr><th>Member</th><th>Group</th><th class="n">Posts</th><th class="n">Replies</th><th class="n">Topics started</th><th class="n">Topics viewed</th><th class="n">Days active</th><th>Last seen</th></tr></thead>
            <tbody>
              ${load.data.items.map(
                (m) => html`<tr><td>${m.displayName}</td><td>${CLASS_LABEL[m.class]}</td><td class="n">${m.posts}</td><td class="n">${m.replies}</td><td class="n">${m.topicsStarted}</td><td class="n">${m.topicsViewed}</td><td class="n">${m.daysActive}</td><td>${m.lastSeen ?? '—'}</td></tr>`,
              )}
            </tbody>
          </table></div>
          ${this.pageStatus(load.data.items.length, load.data, 'most posts first', () => this.moreMembers())}
          ${this.downloads('/members', 'the members (every row)', this.memberClass ? { class: this.memberClass } : {})}`
        : this.problem(load)}
    </section>`;
  }

  private renderTrajectories() {
    const load = this.trajectories;
    if (load.state !== 'ok') return html`<section>${this.problem(load)}</section>`;
    const t = load.data;
    return html`<section aria-labelledby="traj-h">
      <h2 id="traj-h">Movement between groups: ${t.previousRange.from} – ${t.previousRange.to} → ${t.range.from} – ${t.range.to}</h2>
      ${transitionsTable(t)}
      ${this.downloads('/trajectories', 'the transitions', { table: 'transitions' })}
      <details>
        <summary>Each member’s group, week by week (${t.total})</summary>
        <div class="scroll" tabindex="0" role="region" aria-label="Week-by-week group table (scrolls sideways)"><table>
          <thead><tr><th>Member</th><th>Before</th><th>Now</th><th>Weeks from ${t.weekStarts[0] ?? ''}</th></tr></thead>
          <tbody>
            ${t.members.map(
              (m) => html`<tr><td>${m.displayName}</td><td>${CLASS_LABEL[m.previousClass]}</td><td>${CLASS_LABEL[m.currentClass]}</td>
                <td><span class="strip" role="img" aria-label=${m.weeks.map((c, i) => `${t.weekStarts[i]}: ${c ? CLASS_LABEL[c] : 'not a member'}`).join('; ')}>
                  ${m.weeks.map((c) => html`<span style="background:${c ? CLASS_COLOUR[c] : 'transparent'}; outline: 1px solid var(--stoa-chart-grid)"></span>`)}
                </span></td></tr>`,
            )}
          </tbody>
        </table></div>
        ${this.pageStatus(t.members.length, t, 'by name', () => this.moreTrajectories())}
        ${this.downloads('/trajectories', 'the week strips (every member)', { table: 'members' })}
      </details>
    </section>`;
  }
}

customElements.define('stoa-engagement-dashboard', StoaEngagementDashboard);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-engagement-dashboard': StoaEngagementDashboard;
  }
}
