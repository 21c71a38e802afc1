// Pieces of the engagement dashboard (<stoa-engagement-dashboard>) that only turn data into markup: class
// names and colours, the weekly chart (stacked SVG bars) and the same figures as a table for screen readers.
import { html, nothing, svg } from 'lit';
import type { EngagementClass, EngagementSummary, TopicEngagementRow, Trajectories, TrajectoryClass } from '../../shared/schemas/engagement.js';

export const CLASS_LABEL: Record<TrajectoryClass, string> = {
  core: 'Core',
  contributor: 'Contributor',
  reader: 'Reader',
  inactive: 'Inactive',
  notMember: 'Not a member',
};
export const CLASS_COLOUR: Record<EngagementClass, string> = { core: 'var(--stoa-class-core)', contributor: 'var(--stoa-class-contributor)', reader: 'var(--stoa-class-reader)', inactive: 'var(--stoa-class-inactive)' };

/** The series of the weekly chart, bottom to top, with the words the legend and the table use. */
export const WEEKLY_SERIES: Array<{ key: 'posters' | 'lurkers' | 'inactive'; label: string; colour: string }> = [
  { key: 'posters', label: 'Posted', colour: CLASS_COLOUR.core },
  { key: 'lurkers', label: 'Only read', colour: CLASS_COLOUR.reader },
  { key: 'inactive', label: 'Inactive', colour: CLASS_COLOUR.inactive },
];

/** "24 Aug" from YYYY-MM-DD (a UTC date: the week's Monday). */
const shortDay = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** About `count` round tick values from 0 to at least `max` (steps of 1, 2 or 5 × a power of ten). */
export function niceTicks(max: number, count = 4): number[] {
  const raw = Math.max(1, max) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const top = Math.max(step, Math.ceil(max / step) * step);
  return Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
}

/**
 * Stacked bars of members per week (posted, only read, inactive) with a labelled vertical axis, gridlines,
 * week dates under the bars and a legend: readable on its own. Screen readers get the same figures from the
 * table below it (the SVG is hidden from them); each bar part also has a tooltip.
 */
export function weeklyChart(s: EngagementSummary) {
  const weeks = s.weekly;
  const w = 600;
  const h = 300;
  const m = { left: 52, right: 12, top: 14, bottom: 58 };
  const plotW = w - m.left - m.right;
  const plotH = h - m.top - m.bottom;
  const ticks = niceTicks(Math.max(0, ...weeks.map((x) => x.members)));
  const top = ticks.at(-1)!;
  const y = (v: number) => m.top + plotH - (plotH * v) / top;
  const slot = weeks.length ? plotW / weeks.length : 0;
  const barW = Math.max(2, slot * 0.7);
  // At most about seven dates under the axis, evenly spaced, always the first.
  const every = Math.max(1, Math.ceil(weeks.length / 7));
  return html`<figure>
    <div class="scroll chart" tabindex="0" role="region" aria-label="Chart of members per week (scrolls sideways)">
      <svg viewBox="0 0 ${w} ${h}" aria-hidden="true" focusable="false" class="weekly-chart">
        ${ticks.map(
          (t) => svg`<line x1=${m.left} x2=${w - m.right} y1=${y(t)} y2=${y(t)} class=${t === 0 ? 'axis' : 'grid'} />
            <text x=${m.left - 6} y=${y(t)} dy="0.35em" text-anchor="end" class="tick">${t}</text>`,
        )}
        <line x1=${m.left} x2=${m.left} y1=${m.top} y2=${m.top + plotH} class="axis" />
        <text class="axis-title" transform="translate(14 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle">Members</text>
        ${weeks.map((week, i) => {
          const x = m.left + i * slot + (slot - barW) / 2;
          let stacked = 0;
          return svg`${WEEKLY_SERIES.map(({ key, label, colour }) => {
            const v = week[key];
            const y0 = y(stacked + v);
            const height = y(stacked) - y0;
            stacked += v;
            return v
              ? svg`<rect x=${x} y=${y0} width=${barW} height=${height} style="fill: ${colour}" class="bar"><title>Week of ${shortDay(week.weekStart)}: ${v} ${label.toLowerCase()}</title></rect>`
              : nothing;
          })}
          ${i % every === 0 ? svg`<text x=${x + barW / 2} y=${m.top + plotH + 18} text-anchor="middle" class="tick">${shortDay(week.weekStart)}</text>` : nothing}`;
        })}
        <text x=${m.left + plotW / 2} y=${h - 10} text-anchor="middle" class="axis-title">Week starting (Monday)</text>
      </svg>
    </div>
    <figcaption class="legend">
      <span class="legend-title">Members each week:</span>
      ${WEEKLY_SERIES.map(({ label, colour }) => html`<span class="key"><span class="swatch" style="background:${colour}"></span>${label}</span>`)}
    </figcaption>
  </figure>`;
}

export function weeklyTable(s: EngagementSummary) {
  return html`<div class="scroll" tabindex="0" role="region" aria-label="Weekly figures table (scrolls sideways)">
    <table>
      <caption>Members each week (posted, only read, inactive) and posts</caption>
      <thead><tr><th>Week starting</th><th class="n">Posted</th><th class="n">Only read</th><th class="n">Inactive</th><th class="n">Posts</th></tr></thead>
      <tbody>
        ${s.weekly.map(
          (w) => html`<tr><td>${w.weekStart}</td><td class="n">${w.posters}</td><td class="n">${w.lurkers}</td><td class="n">${w.inactive}</td><td class="n">${w.posts}</td></tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/**
 * Replies to each prompt of a CPD topic as a labelled list of bars ("Prompt 2 ▬▬ 3 replies"): the words and
 * the number are text, the bar (scaled to the topic's busiest prompt) only shows the proportion.
 */
export function perPromptBars(perPrompt: TopicEngagementRow['perPrompt']) {
  if (perPrompt.length === 0) return html`—`;
  const max = Math.max(1, ...perPrompt.map((p) => p.replies));
  return html`<ul class="per-prompt" aria-label="Replies per prompt">
    ${perPrompt.map(
      (p) => html`<li>
        <span class="prompt">Prompt ${p.position}</span>
        <span class="track" aria-hidden="true">${p.replies ? html`<span class="bar" style="width: ${(100 * p.replies) / max}%"></span>` : nothing}</span>
        <span class="count">${p.replies} ${p.replies === 1 ? 'reply' : 'replies'}</span>
      </li>`,
    )}
  </ul>`;
}

/** Members by class in the previous period (rows) and in this one (columns). */
export function transitionsTable(t: Trajectories) {
  const classes: TrajectoryClass[] = ['core', 'contributor', 'reader', 'inactive', 'notMember'];
  const count = (from: TrajectoryClass, to: TrajectoryClass) => t.transitions.find((x) => x.from === from && x.to === to)?.count ?? 0;
  return html`<div class="scroll" tabindex="0" role="region" aria-label="Transitions table (scrolls sideways)"><table>
    <caption>Members by group in the previous period (rows) and in this period (columns)</caption>
    <thead><tr><th>Previously \\ Now</th>${classes.map((c) => html`<th class="n">${CLASS_LABEL[c]}</th>`)}</tr></thead>
    <tbody>
      ${classes.map(
        (from) => html`<tr><th scope="row">${CLASS_LABEL[from]}</th>${classes.map((to) => html`<td class="n">${from === 'notMember' && to === 'notMember' ? '—' : count(from, to)}</td>`)}</tr>`,
      )}
    </tbody>
  </table></div>`;
}
