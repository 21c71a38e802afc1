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

/** Stacked bars (posters, lurkers, inactive) per week; decorative for screen readers, who get the table. */
export function weeklyChart(s: EngagementSummary) {
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
    <svg viewBox="0 0 ${w} ${h}" aria-hidden="true" focusable="false">
      <line x1=${pad} y1=${h - pad} x2=${w - pad} y2=${h - pad} style="stroke: var(--stoa-chart-axis)" />
      ${weeks.map((week, i) => {
        let base = h - pad;
        return svg`${layers.map(([k, colour]) => {
          const height = y(week[k]);
          base -= height;
          return svg`<rect x=${pad + i * bw + 1} y=${base} width=${Math.max(1, bw - 2)} height=${height} style="fill: ${colour}"><title>${week.weekStart}: ${week[k]} ${k}</title></rect>`;
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

export function weeklyTable(s: EngagementSummary) {
  return html`<div class="scroll" tabindex="0" role="region" aria-label="Weekly figures table (scrolls sideways)">
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
