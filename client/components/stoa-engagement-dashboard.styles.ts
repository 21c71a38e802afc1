// Styles of <stoa-engagement-dashboard> (its template is in stoa-engagement-dashboard.ts).
import { css } from 'lit';
import { base, forms, tables } from '../styles.js';

export const dashboardStyles = [
  base,
  forms,
  tables,
  css`
    :host { display: block; }
    /* Visually hidden words inside a table that scrolls sideways stay inside it (they are absolutely placed). */
    .scroll { position: relative; }
    form.range { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: end; margin-bottom: 1rem; max-width: none; }
    form.range .field { flex: 1 1 9rem; }
    .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(9.5rem, 1fr)); gap: 0.5rem; margin: 0; padding: 0; list-style: none; }
    .cards .card { padding: 0.5rem 0.75rem; }
    .card .value { font-size: 1.5rem; font-weight: 600; display: block; }
    .card .sub { font-size: 0.85rem; color: var(--stoa-muted); }
    section { margin: 1.75rem 0; }
    /* The chart above its table; on a phone the chart keeps a readable size and scrolls sideways. */
    .chart-and-table { display: grid; gap: 1rem; max-width: 48rem; }
    .chart-and-table > * { min-width: 0; }
    figure { margin: 0; }
    .scroll.chart svg { width: 100%; min-width: 30rem; height: auto; display: block; }
    svg.weekly-chart { font-size: 14px; }
    svg.weekly-chart .tick { fill: var(--stoa-muted); }
    svg.weekly-chart .axis-title { fill: var(--stoa-text); font-weight: 600; }
    svg.weekly-chart .axis { stroke: var(--stoa-chart-axis); }
    svg.weekly-chart .grid { stroke: var(--stoa-chart-grid); }
    /* A thin outline in the page colour keeps stacked parts apart, whatever their colours. */
    svg.weekly-chart .bar { stroke: var(--stoa-surface); stroke-width: 1; }
    .downloads { font-size: 0.9rem; margin: 0.35rem 0; display: flex; flex-wrap: wrap; gap: 0 1rem; }
    .downloads a { padding: 0.5rem 0; }
    .strip { display: inline-flex; gap: 1px; }
    .strip span { width: 0.7rem; height: 0.9rem; display: inline-block; }
    .legend { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; align-items: center; margin-top: 0.35rem; }
    .legend-title { font-weight: 600; }
    .legend .key { white-space: nowrap; }
    .legend .swatch { display: inline-block; width: 0.9rem; height: 0.9rem; margin-right: 0.35rem; vertical-align: middle; border: 1px solid var(--stoa-chart-axis); }
    button.sort { background: none; border: none; color: inherit; font: inherit; font-weight: 600; cursor: pointer; padding: 0; min-height: 2.25rem; }
    dl.definitions dt { font-weight: 600; margin-top: 0.5rem; }
    dl.definitions dd { margin: 0; }
    .field label { font-weight: 600; }
    th.people, td.people { white-space: nowrap; font-variant-numeric: tabular-nums; }
    /* Replies per prompt: label, bar, count in three aligned columns. */
    ul.per-prompt { list-style: none; margin: 0; padding: 0; min-width: 14rem; }
    ul.per-prompt li { display: grid; grid-template-columns: 4.5rem 1fr 4.5rem; gap: 0.5rem; align-items: center; }
    ul.per-prompt .track { display: block; height: 0.7rem; background: var(--stoa-chart-grid); }
    ul.per-prompt .bar { display: block; height: 100%; background: var(--stoa-class-core); }
    ul.per-prompt .count { font-variant-numeric: tabular-nums; white-space: nowrap; }
  `,
];
