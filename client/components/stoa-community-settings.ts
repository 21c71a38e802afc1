// <stoa-community-settings community-id="…">: moderation settings (auto-hide threshold, new-member
// pre-moderation) and the watched-words list (block or hold, matched on whole words, ignoring case and
// character width).
import { LitElement, css, html } from 'lit';
import { MODERATION_LIMITS } from '../../shared/schemas/moderation.js';
import { api } from './moderation-api.js';

interface Word {
  phrase: string;
  action: 'block' | 'hold';
}

export class StoaCommunitySettings extends LitElement {
  static override properties = {
    communityId: { type: String, attribute: 'community-id' },
    threshold: { state: true },
    premod: { state: true },
    words: { state: true },
    message: { state: true },
    error: { state: true },
    busy: { state: true },
  };
  static override styles = css`
    section { margin-bottom: 1.5rem; }
    .error { color: #a00; }
    .row { display: flex; gap: 0.5rem; margin: 0.25rem 0; }
  `;
  declare communityId: string;
  declare threshold: number;
  declare premod: number;
  declare words: Word[];
  declare message: string;
  declare error: string;
  declare busy: boolean;

  constructor() {
    super();
    this.communityId = '';
    this.threshold = 3;
    this.premod = 0;
    this.words = [];
    this.message = '';
    this.error = '';
    this.busy = false;
  }

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('communityId') && this.communityId) void this.load();
  }

  async load() {
    try {
      const s = await api<{ autoHideThreshold: number; premodNewMemberPosts: number }>('GET', `/api/communities/${this.communityId}/settings`);
      this.threshold = s.autoHideThreshold;
      this.premod = s.premodNewMemberPosts;
      this.words = (await api<{ words: Word[] }>('GET', `/api/communities/${this.communityId}/watched-words`)).words;
    } catch (err) {
      this.error = (err as Error).message;
    }
  }

  private async save(what: 'settings' | 'words') {
    if (this.busy) return;
    this.busy = true;
    this.error = '';
    this.message = '';
    try {
      if (what === 'settings') {
        await api('PATCH', `/api/communities/${this.communityId}/settings`, { autoHideThreshold: this.threshold, premodNewMemberPosts: this.premod });
      } else {
        const words = this.words.filter((w) => w.phrase.trim() !== '');
        this.words = (await api<{ words: Word[] }>('PUT', `/api/communities/${this.communityId}/watched-words`, { words })).words;
      }
      this.message = 'Saved.';
    } catch (err) {
      this.error = (err as Error).message;
    } finally {
      this.busy = false;
    }
  }

  private setWord(i: number, patch: Partial<Word>) {
    this.words = this.words.map((w, j) => (j === i ? { ...w, ...patch } : w));
  }

  override render() {
    const L = MODERATION_LIMITS;
    return html`
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      ${this.message ? html`<p role="status">${this.message}</p>` : ''}
      <section>
        <h2>Moderation settings</h2>
        <label>Hide a post for review when this many members flag it
          <input type="number" min=${L.autoHideThresholdMin} max=${L.autoHideThresholdMax} .value=${String(this.threshold)}
            @input=${(e: Event) => (this.threshold = Number((e.target as HTMLInputElement).value))} />
        </label><br />
        <label>Hold a new member's first posts for approval (0: off)
          <input type="number" min=${L.premodNewMemberPostsMin} max=${L.premodNewMemberPostsMax} .value=${String(this.premod)}
            @input=${(e: Event) => (this.premod = Number((e.target as HTMLInputElement).value))} />
        </label><br />
        <button ?disabled=${this.busy} @click=${() => this.save('settings')}>Save settings</button>
      </section>
      <section>
        <h2>Watched words</h2>
        <p>Whole words or phrases, ignoring case and character width. <em>Block</em> refuses the post and names the rule;
          <em>Hold</em> sends it to the review queue.</p>
        ${this.words.map(
          (w, i) => html`<div class="row">
            <input aria-label="Phrase" maxlength=${L.watchedWordPhraseMax} .value=${w.phrase} @input=${(e: Event) => this.setWord(i, { phrase: (e.target as HTMLInputElement).value })} />
            <select aria-label="Action" @change=${(e: Event) => this.setWord(i, { action: (e.target as HTMLSelectElement).value as Word['action'] })}>
              <option value="block" ?selected=${w.action === 'block'}>Block</option>
              <option value="hold" ?selected=${w.action === 'hold'}>Hold for approval</option>
            </select>
            <button @click=${() => (this.words = this.words.filter((_, j) => j !== i))}>Remove</button>
          </div>`,
        )}
        <button ?disabled=${this.words.length >= L.watchedWordsMax} @click=${() => (this.words = [...this.words, { phrase: '', action: 'hold' }])}>Add phrase</button>
        <button ?disabled=${this.busy} @click=${() => this.save('words')}>Save watched words</button>
      </section>
    `;
  }
}
customElements.define('stoa-community-settings', StoaCommunitySettings);
