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
    outline: 3px solid var(--stoa-focus, #1a5fb4);
    outline-offset: 2px;
  }
  a {
    color: var(--stoa-link, #0b57a4);
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
    color: var(--stoa-muted, #4d5562);
  }
  .card {
    background: var(--stoa-surface, #fff);
    border: 1px solid var(--stoa-border, #c9ced6);
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
    color: var(--stoa-muted, #4d5562);
  }
  input[type='text'],
  input[type='email'],
  input[type='password'],
  input[type='number'],
  input[type='url'],
  input[type='date'],
  input[type='datetime-local'],
  textarea,
  select {
    font: inherit;
    width: 100%;
    min-height: 2.75rem;
    padding: 0.5rem 0.65rem;
    border: 1px solid var(--stoa-input-border, #6b7380);
    border-radius: 0.35rem;
    background: #fff;
    color: inherit;
  }
  textarea {
    min-height: 7rem;
    resize: vertical;
  }
  textarea[aria-invalid='true'],
  select[aria-invalid='true'],
  input[aria-invalid='true'] {
    border-color: var(--stoa-danger, #b3261e);
    border-width: 2px;
  }
  fieldset {
    border: 1px solid var(--stoa-border, #c9ced6);
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
    border: 2px solid var(--stoa-accent, #0b57a4);
    background: var(--stoa-accent, #0b57a4);
    color: #fff;
    cursor: pointer;
    text-decoration: none;
    display: inline-flex;
    align-items: center;
    justify-content: center;
  }
  button.secondary,
  .button.secondary {
    background: #fff;
    color: var(--stoa-accent, #0b57a4);
  }
  button:disabled {
    opacity: 0.6;
    cursor: progress;
  }
  .error {
    color: var(--stoa-danger, #b3261e);
    font-weight: 600;
    margin: 0;
  }
  .status {
    color: var(--stoa-ok, #1d6b35);
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
    border-left: 4px solid var(--stoa-border, #c9ced6);
    padding-left: 0.75rem;
    color: var(--stoa-muted, #4d5562);
  }
  .prose pre {
    overflow-x: auto;
    background: #f0f2f5;
    padding: 0.5rem;
    border-radius: 0.35rem;
  }
  .prose img {
    max-width: 100%;
    height: auto;
  }
  .prose table {
    display: block;
    overflow-x: auto;
    border-collapse: collapse;
  }
  .prose th,
  .prose td {
    border: 1px solid var(--stoa-border, #c9ced6);
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
    color: #1d6b35;
  }
  .badge.upcoming {
    color: #7a4d00;
  }
  .badge.closed {
    color: #4d5562;
  }
  .badge.unread {
    background: var(--stoa-accent, #0b57a4);
    border-color: var(--stoa-accent, #0b57a4);
    color: #fff;
  }
  .badge.scheduled {
    background: #fff4d6;
    color: #5c3d00;
  }
`;

/** Modal <dialog>s (flag, reason, suspend): readable at 360 px, with a visible backdrop. */
export const dialogs = css`
  dialog {
    width: min(32rem, calc(100vw - 1.5rem));
    max-height: calc(100vh - 2rem);
    overflow: auto;
    border: 1px solid var(--stoa-border, #c9ced6);
    border-radius: 0.5rem;
    padding: 1rem;
    color: inherit;
  }
  dialog::backdrop {
    background: rgba(20, 30, 45, 0.55);
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
    border-bottom: 1px solid #dde1e6;
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
