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
      outline: 3px solid var(--stoa-focus);
      outline-offset: 2px;
    }
    article.solution {
      background: var(--stoa-ok-bg);
      border-left: 4px solid var(--stoa-ok);
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
    header stoa-avatar {
      align-self: center;
    }
    .handle {
      color: var(--stoa-muted);
      text-decoration: none;
    }
    time {
      color: var(--stoa-muted);
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
    .quote-bar {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 0.5rem;
      align-items: center;
      margin: 0.25rem 0;
    }
    .quote-bar .hint {
      font-size: 0.85rem;
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
      background: var(--stoa-selected-bg);
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
      color: var(--stoa-ok);
    }
    .badge.pending {
      color: var(--stoa-warning-text);
    }
    .badge.removed {
      color: var(--stoa-danger);
    }
    .moderation-note {
      background: var(--stoa-warning-bg);
      border-left: 4px solid var(--stoa-warning);
      padding: 0.35rem 0.65rem;
      margin: 0 0 0.5rem;
      font-size: 0.95rem;
    }
    .author-note p {
      margin: 0.15rem 0;
    }
    .author-note .note-text {
      white-space: pre-wrap;
    }
    stoa-composer {
      margin-top: 0.5rem;
    }
  `,
];
