// The one line of search syntax help, shown under every search field (results page, "search this topic"):
// the websearch syntax the server understands.
import { html } from 'lit';

export const syntaxHelp = (id: string) =>
  html`<span class="hint syntax" id=${id}>Every word must match. <code>"exact phrase"</code> · <code>-leave out</code> ·
    <code>this or that</code></span>`;
