// The search results page's styles (stoa-search-page.ts), beside it so the component reads as behaviour.
import { css } from 'lit';
import { badges, base, forms } from '../styles.js';

export const searchPageStyles = [
    base,
    forms,
    badges,
    css`
      :host {
        display: block;
      }
      form {
        max-width: none;
        gap: 0.75rem;
      }
      .row {
        display: flex;
        gap: 0.5rem;
      }
      .row input {
        flex: 1;
        min-width: 0;
      }
      .filters {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr));
        gap: 0.5rem 0.75rem;
      }
      .filters legend {
        padding: 0 0.25rem;
      }
      .within {
        grid-column: 1 / -1;
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem;
      }
      .clear {
        margin: 0;
      }
      .summary {
        margin-top: 1.25rem;
      }
      .count {
        font-weight: 600;
        margin: 0 0 0.25rem;
      }
      .keys {
        margin: 0 0 0.75rem;
      }
      kbd {
        font: inherit;
        font-size: 0.85em;
        border: 1px solid var(--stoa-border);
        border-radius: 0.2rem;
        padding: 0 0.3rem;
        background: var(--stoa-surface-sunken);
      }
      .note {
        background: var(--stoa-warning-bg);
        border-left: 4px solid var(--stoa-warning);
        padding: 0.5rem 0.75rem;
      }
      .hits {
        list-style: none;
        padding: 0;
        margin: 0;
      }
      .hit {
        border-bottom: 1px solid var(--stoa-divider);
        padding: 0.75rem 0;
      }
      .hit-title {
        font-size: 1.1rem;
        margin: 0 0 0.25rem;
        overflow-wrap: anywhere;
      }
      .hit-link {
        display: inline-block;
        padding: 0.15rem 0;
      }
      .meta {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.25rem 0.6rem;
        font-size: 0.9rem;
        margin: 0 0 0.25rem;
      }
      .snippet {
        margin: 0;
        overflow-wrap: anywhere;
      }
      mark {
        background: var(--stoa-mark-bg);
        color: var(--stoa-mark-text);
        font-weight: 600;
        padding: 0 0.1em;
        border-radius: 0.15em;
      }
      .more {
        margin-top: 1rem;
      }
      .small {
        font-size: 0.9rem;
      }
      .empty {
        margin-top: 1.25rem;
      }
      .empty h2 {
        font-size: 1.2rem;
      }
      .empty ul {
        margin: 0;
        padding-left: 1.25rem;
      }
      .empty li {
        margin-bottom: 0.35rem;
      }
      code {
        background: var(--stoa-surface-sunken);
        padding: 0 0.25rem;
        border-radius: 0.2rem;
      }
    `,
  ];
