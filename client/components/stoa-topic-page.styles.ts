// Styles of <stoa-topic-page> (its template is in stoa-topic-page.ts and in the controllers it renders).
import { css } from 'lit';
import { badges, base, forms, prose } from '../styles.js';

export const topicPageStyles = [
  base,
  forms,
  prose,
  badges,
  css`
    :host {
      display: block;
    }
    .crumb {
      margin: 0 0 0.5rem;
    }
    h1 {
      overflow-wrap: anywhere;
    }
    .meta {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 0.75rem;
      align-items: center;
      margin-bottom: 0.25rem;
    }
    .small {
      font-size: 0.9rem;
    }
    .unread-link {
      font-size: 0.95rem;
    }
    section {
      margin-top: 1.5rem;
    }
    .article {
      margin-top: 1rem;
    }
    .source {
      overflow-wrap: anywhere;
      font-size: 0.95rem;
      margin-top: 0.75rem;
    }
    .prompt {
      margin-top: 1rem;
    }
    .prompt h3 {
      font-size: 1.1rem;
    }
    .note {
      background: var(--stoa-warning-bg);
      border-left: 4px solid var(--stoa-warning);
      padding: 0.5rem 0.75rem;
    }
    .solution {
      border-color: var(--stoa-ok);
    }
    ol.thread {
      list-style: none;
      margin: 0 0 0.75rem;
      padding: 0;
    }
    ol.thread ol.thread {
      margin: 0 0 0 0.5rem;
      padding-left: 0.65rem;
      border-left: 2px solid var(--stoa-border);
    }
    ol.thread > li + li {
      border-top: 1px solid var(--stoa-divider);
    }
    @media (min-width: 40rem) {
      ol.thread ol.thread {
        margin-left: 1rem;
        padding-left: 1rem;
      }
    }
    stoa-composer {
      margin-top: 0.75rem;
    }
    .topic-edit-actions,
    .prompt-edit-actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      margin: 0.5rem 0;
    }
    button.small {
      min-height: 2.75rem;
      padding: 0.25rem 0.75rem;
      font-size: 0.9rem;
    }
    .reply-prompt,
    .close-prompt {
      margin-top: 0.5rem;
    }
    .add-prompt {
      margin-top: 1rem;
      display: grid;
      gap: 0.75rem;
      justify-items: start;
    }
    .add-prompt stoa-prompt-form {
      justify-self: stretch;
    }
    .paging {
      margin-top: 1.5rem;
    }
    .moderation-note {
      background: var(--stoa-warning-bg);
      border-left: 4px solid var(--stoa-warning);
      padding: 0.5rem 0.75rem;
    }
    .placeholder {
      font-style: italic;
      margin-top: 1rem;
    }
    .topic-actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: center;
      margin: 0.5rem 0;
    }
    .topic-actions .error {
      flex-basis: 100%;
    }
    .topic-actions .error:empty {
      display: none;
    }
    .topic-moderation {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: center;
      margin: 0.5rem 0;
    }
    .topic-moderation .error {
      flex-basis: 100%;
    }
    .topic-moderation .error:empty {
      display: none;
    }
    .participation {
      padding: 0.6rem 0.25rem;
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
    .paging-sentinel {
      height: 1px;
    }
    .new-pill {
      position: fixed;
      bottom: 1rem;
      left: 50%;
      transform: translateX(-50%);
      z-index: 5;
      border-radius: 999px;
      box-shadow: 0 2px 8px var(--stoa-shadow);
    }
  `,
];
