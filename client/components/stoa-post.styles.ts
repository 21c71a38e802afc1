// Styles of <stoa-post> (its template is in stoa-post.ts).
import { css } from 'lit';
import { base, forms, prose } from '../styles.js';

export const postStyles = [
  base,
  forms,
  prose,
  css`
    :host {
      display: block;
    }
    article {
      padding: 0.5rem 0 0.25rem;
    }
    article:focus {
      outline: 3px solid var(--stoa-focus, #1a5fb4);
      outline-offset: 2px;
    }
    article.solution {
      background: #eef7f0;
      border-left: 4px solid #1d6b35;
      padding-left: 0.6rem;
    }
    header {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 0.5rem;
      align-items: baseline;
      font-size: 0.95rem;
      margin-bottom: 0.25rem;
    }
    time {
      color: var(--stoa-muted, #4d5562);
    }
    .in-reply {
      font-size: 0.9rem;
      margin: 0 0 0.25rem;
    }
    .placeholder {
      font-style: italic;
      margin: 0 0 0.5rem;
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: center;
    }
    .actions {
      margin-top: 0.35rem;
    }
    button.small {
      min-height: 2.75rem;
      padding: 0.25rem 0.7rem;
      font-size: 0.9rem;
      border-width: 1px;
    }
    button[aria-pressed='true'] {
      background: #e3eefb;
    }
    .count {
      margin-left: 0.35rem;
      font-variant-numeric: tabular-nums;
    }
    .error:empty {
      display: none;
    }
    form.edit {
      max-width: none;
      gap: 0.5rem;
    }
    .badge {
      font-size: 0.8rem;
      font-weight: 600;
      padding: 0 0.4rem;
      border: 1px solid currentColor;
      border-radius: 0.25rem;
    }
    .solution-badge {
      color: #1d6b35;
    }
    .badge.pending {
      color: #7a4d00;
    }
    .badge.removed {
      color: var(--stoa-danger, #b3261e);
    }
    .moderation-note {
      background: #fff4d6;
      border-left: 4px solid #a36b00;
      padding: 0.35rem 0.65rem;
      margin: 0 0 0.5rem;
      font-size: 0.95rem;
    }
    stoa-composer {
      margin-top: 0.5rem;
    }
  `,
];
