import { LitElement, html } from 'lit';

class StoaApp extends LitElement {
  override render() {
    return html`<main><h1>Stoa</h1></main>`;
  }
}
customElements.define('stoa-app', StoaApp);
