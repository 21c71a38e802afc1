// <stoa-engagement-dashboard community-id="…">: the project manager's engagement view (issue 6).
// Self-contained: fetches the engagement API itself, draws summary cards, a weekly SVG chart with a
// data table beside it for screen readers, the top contributors, per-topic and per-member tables and
// the trajectories table, each with CSV and JSON download links. No decorators (static properties).
import { LitElement, css, html, nothing, svg, type TemplateResult } from 'lit';
import type {
  EngagementClass,
  EngagementCounts,
  EngagementSummary,
  MembersEngagement,
  Trajectories,
  TopicsEngagement,
  TrajectoryClass,
} from '../../shared/schemas/engagement.js';

type Load<T> = { state: 'idle' } | { state: 'loading' } | { state: 'ok'; data: T } | { state: 'error'; status: number; message: string };

const CLASS_LABEL: Record<TrajectoryClass, string> = {
  core: 'Core',
  contributor: 'Contributor',
  reader: 'Reader',
  inactive: 'Inactive',
  notMember: 'Not a member',
};
const CLASS_COLOUR: Record<EngagementClass, string> = { core: '#1b5e20', contributor: '#66bb6a', reader: '#42a5f5', inactive: '#cfd8dc' };

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

export class EngagementDashboard extends LitElement {
  static override properties = {
    communityId: { type: String, attribute: 'community-id' },
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
  declare from: string;
  declare to: string;
  declare tz: string;
  declare topicSort: string;
  declare memberClass: '' | EngagementClass;
  declare summary: Load<EngagementSummary>;
  declare topics: Load<TopicsEngagement>;
  declare members: Load<MembersEngagement>;
  declare trajectories: Load<Trajectories>;
  private controller: AbortController | null = null;

  constructor() {
    super();
    this.communityId = '';
    const today = new Date();
    this.to = isoDay(today);
    this.from = isoDay(new Date(today.getTime() - 90 * 86_400_000));
    this.tz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
    this.topicSort = '-posts';
    this.memberClass = '';
    this.summary = { state: 'idle' };
    this.topics = { state: 'idle' };
    this.members = { state: 'idle' };
    this.trajectories = { state: 'idle' };
  }

  static override styles = css`
    :host { display: block; font: inherit; color: inherit; }
    form { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: end; margin-bottom: 1rem; }
    label { display: flex; flex-direction: column; font-size: 0.85rem; }
    .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); gap: 0.5rem; margin: 0; padding: 0; list-style: none; }
    .card { border: 1px solid #ccc; border-radius: 6px; padding: 0.5rem 0.75rem; }
    .card .value { font-size: 1.5rem; font-weight: 600; display: block; }
    .card .sub { font-size: 0.8rem; color: #555; }
    section { margin: 1.5rem 0; }
    h2 { font-size: 1.15rem; margin: 0 0 0.5rem; }
    .chart-and-table { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
    svg { max-width: 100%; height: auto; }
    table { border-collapse: collapse; font-size: 0.9rem; }
    th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: left; }
    td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
    .scroll { overflow-x: auto; max-width: 100%; }
    .downloads { font-size: 0.85rem; margin: 0.25rem 0; }
    .downloads a { margin-right: 0.75rem; }
    .strip { display: inline-flex; gap: 1px; }
    .strip span { width: 0.7rem; height: 0.9rem; display: inline-block; }
    .legend span { display: inline-block; width: 0.8rem; height: 0.8rem; margin: 0 0.25rem 0 0.75rem; vertical-align: middle; }
    .error { color: #b00020; }
    button.sort { background: none; border: none; font: inherit; font-weight: 600; cursor: pointer; padding: 0; }
  `;

  override updated(changed: Map<string, unknown>) {
    if (changed.has('communityId') && this.communityId) void this.loadAll();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.controller?.abort();
  }

  private base() {
    return `/api/communities/${encodeURIComponent(this.communityId)}/engagement`;
  }

  private query(extra: Record<string, string> = {}) {
    return new URLSearchParams({ from: this.from, to: this.to, tz: this.tz, ...extra }).toString();
  }

  private async fetchJson<T>(url: string, signal: AbortSignal): Promise<Load<T>> {
    try {
      const res = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin', signal });
      const body = await res.json().catch(() => ({}));
      if (!res.ok) return { state: 'error', status: res.status, message: body.detail ?? `Request failed (${res.status}).` };
      return { state: 'ok', data: body as T };
    } catch (err) {
      if ((err as Error).name === 'AbortError') return { state: 'loading' };
      return { state: 'error', status: 0, message: 'The server could not be reached; check your connection and try again.' };
    }
  }

  private async loadAll() {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.summary = { state: 'loading' };
    this.topics = { state: 'loading' };
    this.members = { state: 'loading' };
    this.trajectories = { state: 'loading' };
    const s = controller.signal;
    const [summary, topics, members, trajectories] = await Promise.all([
      this.fetchJson<EngagementSummary>(`${this.base()}?${this.query()}`, s),
      this.fetchJson<TopicsEngagement>(`${this.base()}/topics?${this.query({ sort: this.topicSort })}`, s),
      this.fetchJson<MembersEngagement>(`${this.base()}/members?${this.query(this.memberClass ? { class: this.memberClass } : {})}`, s),
      this.fetchJson<Trajectories>(`${this.base()}/trajectories?${this.query()}`, s),
    ]);
    if (controller.signal.aborted) return;
    Object.assign(this, { summary, topics, members, trajectories });
  }

  private async reloadTopics(sort: string) {
    this.topicSort = sort;
    this.topics = await this.fetchJson<TopicsEngagement>(`${this.base()}/topics?${this.query({ sort })}`, new AbortController().signal);
  }

  private async reloadMembers(cls: '' | EngagementClass) {
    this.memberClass = cls;
    this.members = await this.fetchJson<MembersEngagement>(
      `${this.base()}/members?${this.query(cls ? { class: cls } : {})}`,
      new AbortController().signal,
    );
  }

  private onSubmit(e: Event) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    this.from = String(data.get('from'));
    this.to = String(data.get('to'));
    this.tz = String(data.get('tz')) || 'UTC';
    void this.loadAll();
  }

  private downloads(path: string, extra: Record<string, string> = {}) {
    return html`<p class="downloads">
      <a href="${this.base()}${path}?${this.query({ ...extra, format: 'csv' })}" download>Download CSV</a>
      <a href="${this.base()}${path}?${this.query({ ...extra, format: 'json' })}" download>Download JSON</a>
    </p>`;
  }

  private problem(load: Load<unknown>): TemplateResult | typeof nothing {
    if (load.state === 'loading') return html`<p aria-live="polite">Loading…</p>`;
    if (load.state !== 'error') return nothing;
    const text =
      load.status === 403
        ? 'Only the community’s managers can see this report.'
        : load.status === 401
          ? 'Sign in to see this report.'
          : load.message;
    return html`<p class="error" role="alert">${text}</p>`;
  }

  override render() {
    return html`
      <form @submit=${this.onSubmit} aria-label="Report period">
        <label>From <input type="date" name="from" .value=${this.from} required /></label>
        <label>To <input type="date" name="to" .value=${this.to} required /></label>
        <label>Time zone <input name="tz" .value=${this.tz} size="18" /></label>
        <button type="submit">Show</button>
      </form>
      ${this.renderSummary()} ${this.renderTopics()} ${this.renderMembers()} ${this.renderTrajectories()}
    `;
  }

  private renderSummary() {
    const load = this.summary;
    if (load.state !== 'ok') return html`<section>${this.problem(load)}</section>`;
    const s = load.data;
    const prev = s.previous;
    const change = (now: number, before: number) => {
      const d = now - before;
      return d === 0 ? 'same as previous period' : `${d > 0 ? '+' : '−'}${Math.abs(d)} on previous period`;
    };
    const card = (label: string, value: number | string, sub: string) =>
      html`<li class="card"><span class="value">${value}</span> ${label}<br /><span class="sub">${sub}</span></li>`;
    const counts = (c: EngagementCounts, k: 'posters' | 'lurkers' | 'inactive') => `${c.percentages[k]}% of members`;
    return html`
      <section aria-labelledby="summary-h">
        <h2 id="summary-h">Summary ${s.range.from} – ${s.range.to}</h2>
        <ul class="cards">
          ${card('members', s.members, change(s.members, prev.members))}
          ${card('posters', s.posters, `${counts(s, 'posters')}; ${change(s.posters, prev.posters)}`)}
          ${card('lurkers', s.lurkers, `${counts(s, 'lurkers')}; ${change(s.lurkers, prev.lurkers)}`)}
          ${card('inactive', s.inactive, `${counts(s, 'inactive')}; ${change(s.inactive, prev.inactive)}`)}
          ${card('posts', s.posts, change(s.posts, prev.posts))}
          ${card('replies', s.replies, change(s.replies, prev.replies))}
          ${card('new topics', s.newTopics, change(s.newTopics, prev.newTopics))}
          ${card('removed posts', s.removedPosts, change(s.removedPosts, prev.removedPosts))}
          ${card('median minutes to first reply', s.medianFirstReplyMinutes ?? '—', prev.medianFirstReplyMinutes === null ? 'no previous figure' : `previously ${prev.medianFirstReplyMinutes}`)}
        </ul>
        ${this.downloads('', { table: 'summary' })}
        <details>
          <summary>How these figures are defined</summary>
          <dl>${Object.entries(s.definitions).map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
        </details>
      </section>
      <section aria-labelledby="weekly-h">
        <h2 id="weekly-h">Week by week (weeks start on Monday)</h2>
        <div class="chart-and-table">${this.renderChart(s)} ${this.renderWeeklyTable(s)}</div>
        ${this.downloads('', { table: 'weekly' })}
      </section>
      <section aria-labelledby="top-h">
        <h2 id="top-h">Top ${s.top.length} contributors</h2>
        <div class="scroll">
          <table>
            <thead><tr><th>#</th><th>Member</th><th class="n">Posts</th><th class="n">Posts a week</th><th class="n">Topics started</th><th class="n">Helpful received</th></tr></thead>
            <tbody>
              ${s.top.map(
                (t, i) => html`<tr><td>${i + 1}</td><td>${t.displayName}</td><td class="n">${t.posts}</td><td class="n">${t.postsPerWeek}</td><td class="n">${t.topicsStarted}</td><td class="n">${t.helpfulReceived}</td></tr>`,
              )}
            </tbody>
          </table>
        </div>
        ${this.downloads('', { table: 'top' })}
      </section>
    `;
  }

  /** Stacked bars (posters, lurkers, inactive) per week; decorative for screen readers, who get the table. */
  private renderChart(s: EngagementSummary) {
    const weeks = s.weekly;
    const w = 560;
    const h = 220;
    const pad = 30;
    const max = Math.max(1, ...weeks.map((x) => x.members));
    const bw = weeks.length ? (w - pad * 2) / weeks.length : 0;
    const y = (v: number) => ((h - pad * 2) * v) / max;
    const layers: Array<['posters' | 'lurkers' | 'inactive', string]> = [
      ['posters', CLASS_COLOUR.contributor],
      ['lurkers', CLASS_COLOUR.reader],
      ['inactive', CLASS_COLOUR.inactive],
    ];
    return html`<figure>
      <svg viewBox="0 0 ${w} ${h}" width=${w} height=${h} aria-hidden="true" focusable="false">
        <line x1=${pad} y1=${h - pad} x2=${w - pad} y2=${h - pad} stroke="#888" />
        ${weeks.map((week, i) => {
          let base = h - pad;
          return svg`${layers.map(([k, colour]) => {
            const height = y(week[k]);
            base -= height;
            return svg`<rect x=${pad + i * bw + 1} y=${base} width=${Math.max(1, bw - 2)} height=${height} fill=${colour}><title>${week.weekStart}: ${week[k]} ${k}</title></rect>`;
          })}`;
        })}
        <text x=${pad} y=${h - 8} font-size="10">${weeks[0]?.weekStart ?? ''}</text>
        <text x=${w - pad} y=${h - 8} font-size="10" text-anchor="end">${weeks.at(-1)?.weekStart ?? ''}</text>
        <text x=${pad - 4} y=${pad} font-size="10" text-anchor="end">${max}</text>
      </svg>
      <figcaption class="legend">
        Members per week:${layers.map(([k, colour]) => html`<span style="background:${colour}"></span>${k}`)}
      </figcaption>
    </figure>`;
  }

  private renderWeeklyTable(s: EngagementSummary) {
    return html`<div class="scroll">
      <table>
        <caption>Weekly posters, lurkers, inactive members and posts</caption>
        <thead><tr><th>Week of</th><th class="n">Posters</th><th class="n">Lurkers</th><th class="n">Inactive</th><th class="n">Posts</th></tr></thead>
        <tbody>
          ${s.weekly.map(
            (w) => html`<tr><td>${w.weekStart}</td><td class="n">${w.posters}</td><td class="n">${w.lurkers}</td><td class="n">${w.inactive}</td><td class="n">${w.posts}</td></tr>`,
          )}
        </tbody>
      </table>
    </div>`;
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
        ? html`<div class="scroll"><table>
            <thead><tr>
              <th>Topic</th>${sortButton('posts', 'Posts')}${sortButton('posters', 'Posters')}${sortButton('readersWhoDidNotPost', 'Silent readers')}
              <th>Replies per prompt</th><th>Facilitators</th>${sortButton('firstPostAt', 'First post')}${sortButton('lastPostAt', 'Last post')}${sortButton('durationDays', 'Days')}
            </tr></thead>
            <tbody>
              ${load.data.items.map(
                (t) => html`<tr>
                  <td>${t.title} <small>(${t.kind === 'cpd' ? 'CPD' : 'problem'})</small></td>
                  <td class="n">${t.posts}</td><td class="n">${t.posters}</td><td class="n">${t.readersWhoDidNotPost}</td>
                  <td>${t.perPrompt.length ? t.perPrompt.map((p) => `${p.position}: ${p.replies}`).join(', ') : '—'}</td>
                  <td>${t.facilitators.map((f) => f.displayName).join(', ') || '—'}</td>
                  <td>${t.firstPostAt?.slice(0, 10) ?? '—'}</td><td>${t.lastPostAt?.slice(0, 10) ?? '—'}</td>
                  <td class="n">${t.durationDays ?? '—'}</td>
                </tr>`,
              )}
            </tbody>
          </table></div>
          ${this.downloads('/topics', { sort: this.topicSort })}`
        : this.problem(load)}
    </section>`;
  }

  private renderMembers() {
    const load = this.members;
    return html`<section aria-labelledby="members-h">
      <h2 id="members-h">Members</h2>
      <label>Show
        <select @change=${(e: Event) => this.reloadMembers((e.target as HTMLSelectElement).value as '' | EngagementClass)}>
          <option value="" ?selected=${this.memberClass === ''}>everyone</option>
          ${(['core', 'contributor', 'reader', 'inactive'] as const).map(
            (c) => html`<option value=${c} ?selected=${this.memberClass === c}>${CLASS_LABEL[c].toLowerCase()}s</option>`,
          )}
        </select>
      </label>
      ${load.state === 'ok'
        ? html`<div class="scroll"><table>
            <thead><tr><th>Member</th><th>Class</th><th class="n">Posts</th><th class="n">Replies</th><th class="n">Topics started</th><th class="n">Topics viewed</th><th class="n">Days active</th><th>Last seen</th></tr></thead>
            <tbody>
              ${load.data.items.map(
                (m) => html`<tr><td>${m.displayName}</td><td>${CLASS_LABEL[m.class]}</td><td class="n">${m.posts}</td><td class="n">${m.replies}</td><td class="n">${m.topicsStarted}</td><td class="n">${m.topicsViewed}</td><td class="n">${m.daysActive}</td><td>${m.lastSeen ?? '—'}</td></tr>`,
              )}
            </tbody>
          </table></div>
          ${this.downloads('/members', this.memberClass ? { class: this.memberClass } : {})}`
        : this.problem(load)}
    </section>`;
  }

  private renderTrajectories() {
    const load = this.trajectories;
    if (load.state !== 'ok') return html`<section>${this.problem(load)}</section>`;
    const t = load.data;
    const classes: TrajectoryClass[] = ['core', 'contributor', 'reader', 'inactive', 'notMember'];
    const count = (from: TrajectoryClass, to: TrajectoryClass) => t.transitions.find((x) => x.from === from && x.to === to)?.count ?? 0;
    return html`<section aria-labelledby="traj-h">
      <h2 id="traj-h">Trajectories: ${t.previousRange.from} – ${t.previousRange.to} → ${t.range.from} – ${t.range.to}</h2>
      <div class="scroll"><table>
        <caption>Members by class in the previous period (rows) and in this period (columns)</caption>
        <thead><tr><th>Previously \\ Now</th>${classes.map((c) => html`<th class="n">${CLASS_LABEL[c]}</th>`)}</tr></thead>
        <tbody>
          ${classes.map(
            (from) => html`<tr><th scope="row">${CLASS_LABEL[from]}</th>${classes.map((to) => html`<td class="n">${from === 'notMember' && to === 'notMember' ? '—' : count(from, to)}</td>`)}</tr>`,
          )}
        </tbody>
      </table></div>
      ${this.downloads('/trajectories', { table: 'transitions' })}
      <details>
        <summary>Week-by-week class of each member (${t.members.length})</summary>
        <div class="scroll"><table>
          <thead><tr><th>Member</th><th>Before</th><th>Now</th><th>Weeks from ${t.weekStarts[0] ?? ''}</th></tr></thead>
          <tbody>
            ${t.members.map(
              (m) => html`<tr><td>${m.displayName}</td><td>${CLASS_LABEL[m.previousClass]}</td><td>${CLASS_LABEL[m.currentClass]}</td>
                <td><span class="strip" role="img" aria-label=${m.weeks.map((c, i) => `${t.weekStarts[i]}: ${c ? CLASS_LABEL[c] : 'not a member'}`).join('; ')}>
                  ${m.weeks.map((c) => html`<span style="background:${c ? CLASS_COLOUR[c] : 'transparent'}; outline: 1px solid #eee"></span>`)}
                </span></td></tr>`,
            )}
          </tbody>
        </table></div>
        ${this.downloads('/trajectories', { table: 'members' })}
      </details>
    </section>`;
  }
}

if (!customElements.get('stoa-engagement-dashboard')) customElements.define('stoa-engagement-dashboard', EngagementDashboard);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-engagement-dashboard': EngagementDashboard;
  }
}
