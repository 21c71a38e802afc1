// Shared CSS for components: include in `static styles = [base, css`...`]`. Colours meet WCAG AA contrast;
// focus is always visible; touch targets are at least 44 px high.
import { css } from 'lit';

export const base = css`
  :host {
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  :focus-visible {
    outline: 3px solid var(--stoa-focus);
    outline-offset: 2px;
  }
  a {
    color: var(--stoa-link);
  }
  a:hover {
    text-decoration-thickness: 2px;
  }
  h1,
  h2,
  h3 {
    line-height: 1.25;
    margin: 0 0 0.5rem;
  }
  h1 {
    font-size: 1.75rem;
  }
  h2 {
    font-size: 1.3rem;
  }
  p {
    margin: 0 0 1rem;
  }
  .visually-hidden {
    position: absolute !important;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  .muted {
    color: var(--stoa-muted);
  }
  .card {
    background: var(--stoa-surface);
    border: 1px solid var(--stoa-border);
    border-radius: 0.5rem;
    padding: 1rem;
  }
`;

export const forms = css`
  form {
    display: grid;
    gap: 1rem;
    max-width: 28rem;
  }
  .field {
    display: grid;
    gap: 0.25rem;
  }
  label,
  legend {
    font-weight: 600;
  }
  .hint {
    font-size: 0.9rem;
    color: var(--stoa-muted);
  }
  input[type='text'],
  input[type='email'],
  input[type='password'],
  input[type='number'],
  input[type='url'],
  input[type='search'],
  input[type='date'],
  input[type='datetime-local'],
  textarea,
  select {
    font: inherit;
    width: 100%;
    min-height: 2.75rem;
    padding: 0.5rem 0.65rem;
    border: 1px solid var(--stoa-input-border);
    border-radius: 0.35rem;
    background: var(--stoa-surface);
    color: inherit;
  }
  textarea {
    min-height: 7rem;
    resize: vertical;
  }
  textarea[aria-invalid='true'],
  select[aria-invalid='true'],
  input[aria-invalid='true'] {
    border-color: var(--stoa-danger);
    border-width: 2px;
  }
  fieldset {
    border: 1px solid var(--stoa-border);
    border-radius: 0.35rem;
    padding: 0.5rem 0.75rem 0.75rem;
    margin: 0;
    min-width: 0;
  }
  .check {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    min-height: 2.25rem;
    font-weight: normal;
  }
  .check input {
    width: 1.15rem;
    height: 1.15rem;
    margin: 0;
  }
  button,
  .button {
    font: inherit;
    font-weight: 600;
    min-height: 2.75rem;
    padding: 0.5rem 1rem;
    border-radius: 0.35rem;
    border: 2px solid var(--stoa-accent);
    background: var(--stoa-accent);
    color: var(--stoa-on-accent);
    cursor: pointer;
    text-decoration: none;
    display: inline-flex;
    align-items: center;
    justify-content: center;
  }
  button.secondary,
  .button.secondary {
    background: var(--stoa-surface);
    color: var(--stoa-accent);
  }
  button:disabled {
    opacity: 0.6;
    cursor: progress;
  }
  .error {
    color: var(--stoa-danger);
    font-weight: 600;
    margin: 0;
  }
  .status {
    color: var(--stoa-ok);
    margin: 0;
  }
`;

/** Member-written content (sanitised markdown HTML): readable, and never wider than the column. */
export const prose = css`
  .prose {
    overflow-wrap: anywhere;
  }
  .prose > :first-child {
    margin-top: 0;
  }
  .prose > :last-child {
    margin-bottom: 0;
  }
  .prose p,
  .prose ul,
  .prose ol,
  .prose blockquote,
  .prose pre,
  .prose table {
    margin: 0 0 0.75rem;
  }
  .prose blockquote {
    border-left: 4px solid var(--stoa-border);
    padding-left: 0.75rem;
    color: var(--stoa-muted);
  }
  .prose pre {
    overflow-x: auto;
    background: var(--stoa-surface-sunken);
    padding: 0.5rem;
    border-radius: 0.35rem;
  }
  .prose img {
    max-width: 100%;
    height: auto;
  }
  /* An image from another site, not loaded until the reader asks (client/remote-images.ts). */
  .prose a[data-stoa-image] {
    display: inline-block;
    border: 1px dashed var(--stoa-border);
    border-radius: 0.35rem;
    padding: 0.35rem 0.6rem;
    min-height: 2.75rem;
    box-sizing: border-box;
  }

  .prose table {
    display: block;
    overflow-x: auto;
    border-collapse: collapse;
  }
  .prose th,
  .prose td {
    border: 1px solid var(--stoa-border);
    padding: 0.25rem 0.5rem;
  }
`;

/** Small labels: topic kind, status, unread counts. */
export const badges = css`
  .badge {
    display: inline-block;
    font-size: 0.8rem;
    font-weight: 600;
    line-height: 1.4;
    padding: 0 0.45rem;
    border: 1px solid currentColor;
    border-radius: 0.25rem;
    white-space: nowrap;
  }
  .badge.open {
    color: var(--stoa-ok);
  }
  .badge.upcoming {
    color: var(--stoa-warning-text);
  }
  .badge.closed {
    color: var(--stoa-muted);
  }
  .badge.unread {
    background: var(--stoa-accent);
    border-color: var(--stoa-accent);
    color: var(--stoa-on-accent);
  }
  .badge.scheduled {
    background: var(--stoa-warning-bg);
    color: var(--stoa-warning-strong);
  }
`;

/** Modal <dialog>s (flag, reason, suspend): readable at 360 px, with a visible backdrop. */
export const dialogs = css`
  dialog {
    width: min(32rem, calc(100vw - 1.5rem));
    max-height: calc(100vh - 2rem);
    overflow: auto;
    border: 1px solid var(--stoa-border);
    border-radius: 0.5rem;
    padding: 1rem;
    color: inherit;
    background: var(--stoa-surface);
  }
  dialog::backdrop {
    background: var(--stoa-backdrop);
  }
  dialog h2 {
    font-size: 1.2rem;
  }
  dialog form {
    max-width: none;
  }
  .dialog-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }
  .error:empty {
    display: none;
  }
`;

/** Data tables that scroll sideways inside their own box on narrow screens instead of widening the page. */
export const tables = css`
  .scroll {
    overflow-x: auto;
    max-width: 100%;
  }
  table {
    border-collapse: collapse;
    font-size: 0.95rem;
  }
  caption {
    text-align: left;
    font-weight: 600;
    padding: 0.25rem 0;
  }
  th,
  td {
    border-bottom: 1px solid var(--stoa-table-rule);
    padding: 0.35rem 0.5rem;
    text-align: left;
    vertical-align: top;
  }
  th.n,
  td.n {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
`;
