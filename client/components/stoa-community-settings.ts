// Community moderation settings (moderators, managers): the auto-hide threshold, pre-moderation of new
// members' first posts, the language search stems words with, and the watched-words list (a phrase and what it does: block the post with a
// message naming the rule, or hold it for approval). Each form saves on its own, with its own messages.
import { LitElement, css, html, nothing } from 'lit';
import { Task, initialState } from '@lit/task';
import { messageFor, type WatchedWordRule } from '../api/index.js';
import { ApiConsumer } from '../context.js';
import { focusErrorPath, invalidIf, invalidIfPath } from '../form-helpers.js';
import { SubmitController } from '../form-submit-controller.js';
import { base, forms } from '../styles.js';
import { MODERATION_LIMITS } from '../../shared/schemas/moderation.js';
import { loadError as loadFailure } from '../load-error.js';

/** A text-search configuration's name as members read it: `english` → English, `simple` → Simple (words as written). */
export function languageName(config: string): string {
  if (config === 'simple') return 'Simple (words as written)';
  return config.charAt(0).toUpperCase() + config.slice(1).replace(/_/g, ' ');
}

export class StoaCommunitySettings extends LitElement {
  static override properties = {
    communityId: { attribute: false },
    threshold: { state: true },
    premod: { state: true },
    language: { state: true },
    languages: { state: true },
    words: { state: true },
    loadError: { state: true },
    settingsStatus: { state: true },
    wordsStatus: { state: true },
  };

  declare communityId: string;
  declare threshold: number;
  declare premod: number;
  /** The community's text-search configuration, and the ones this database offers. */
  declare language: string;
  declare languages: string[];
  declare words: WatchedWordRule[];
  declare loadError: unknown;
  declare settingsStatus: string;
  declare wordsStatus: string;

  private readonly api = new ApiConsumer(this);
  // Two forms, each with its own busy flag and error; focus is looked for inside the form that failed.
  private readonly settingsSave = new SubmitController(this, {
    focus: (root, error) => focusErrorPath(root.querySelector('form.settings')!, error),
  });
  private readonly wordsSave = new SubmitController(this, {
    focus: (root, error) => focusErrorPath(root.querySelector('form.words')!, error),
  });

  constructor() {
    super();
    this.communityId = '';
    this.threshold = 3;
    this.premod = 0;
    this.language = 'simple';
    this.languages = [];
    this.words = [];
    this.loadError = null;
    this.settingsStatus = this.wordsStatus = '';
  }

  /** One save at a time, across both forms. */
  private get saving() {
    return this.settingsSave.busy || this.wordsSave.busy;
  }

  // The element is reused across communities: the task drops a late answer for the previous one, which must
  // not fill this form (saving would then write that community's values here).
  private readonly loader = new Task(this, {
    task: async ([communityId], { signal }) => {
      if (!communityId) return initialState;
      const api = this.api.client.moderation;
      const [settings, words] = await Promise.all([api.settings(communityId, signal), api.watchedWords(communityId, signal)]);
      return { settings, words: words.words };
    },
    args: () => [this.communityId] as const,
    onComplete: ({ settings, words }) => {
      this.threshold = settings.autoHideThreshold;
      this.premod = settings.premodNewMemberPosts;
      // A server without search languages (older than this client) leaves the control out.
      this.language = settings.searchLanguage ?? 'simple';
      this.languages = settings.searchLanguages ?? [];
      this.words = words;
      this.loadError = null;
    },
    onError: (error) => (this.loadError = error),
  });

  load() {
    return this.loader.run();
  }

  private async saveSettings(event: SubmitEvent) {
    event.preventDefault();
    if (this.saving) return;
    const data = new FormData(event.target as HTMLFormElement);
    await this.settingsSave.run(async () => {
      this.settingsStatus = '';
      const saved = await this.api.client.moderation.updateSettings(this.communityId, {
        autoHideThreshold: Number(data.get('autoHideThreshold')),
        premodNewMemberPosts: Number(data.get('premodNewMemberPosts')),
        ...(data.has('searchLanguage') ? { searchLanguage: String(data.get('searchLanguage')) } : {}),
      });
      this.threshold = saved.autoHideThreshold;
      this.premod = saved.premodNewMemberPosts;
      this.language = saved.searchLanguage ?? this.language;
      this.languages = saved.searchLanguages ?? this.languages;
      this.settingsStatus = 'Settings saved.'; // its own role=status region says it (no app announcement too)
    });
  }

  private async saveWords(event: SubmitEvent) {
    event.preventDefault();
    if (this.saving) return;
    await this.wordsSave.run(async () => {
      this.wordsStatus = '';
      // Empty rows are left out rather than refused.
      const words = this.words.map((w) => ({ ...w, phrase: w.phrase.trim() })).filter((w) => w.phrase !== '');
      this.words = (await this.api.client.moderation.setWatchedWords(this.communityId, words)).words;
      this.wordsStatus = `Watched words saved (${this.words.length}).`;
    });
  }

  private setWord(i: number, patch: Partial<WatchedWordRule>) {
    this.words = this.words.map((w, j) => (j === i ? { ...w, ...patch } : w));
  }

  private async addWord() {
    this.words = [...this.words, { phrase: '', action: 'hold' }];
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>(`[name="words.${this.words.length - 1}.phrase"]`)?.focus();
  }

  private async removeWord(i: number) {
    this.words = this.words.filter((_, j) => j !== i);
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('button.add')?.focus();
  }

  override render() {
    if (this.loadError) {
      return loadFailure(this.loadError, () => this.load());
    }
    const L = MODERATION_LIMITS;
    const settingsError = this.settingsSave.error;
    const wordsError = this.wordsSave.error;
    return html`
      <section aria-labelledby="settings-h">
        <h2 id="settings-h">Moderation settings</h2>
        <form class="settings" @submit=${this.saveSettings}>
          <div class="field">
            <label for="threshold">Hide a post for review when this many members flag it</label>
            <input id="threshold" name="autoHideThreshold" type="number" required min=${L.autoHideThresholdMin} max=${L.autoHideThresholdMax}
              .value=${String(this.threshold)} aria-invalid=${invalidIf(settingsError, 'autoHideThreshold')} />
          </div>
          <div class="field">
            <label for="premod">Hold a new member’s first posts for approval</label>
            <input id="premod" name="premodNewMemberPosts" type="number" required min=${L.premodNewMemberPostsMin} max=${L.premodNewMemberPostsMax}
              .value=${String(this.premod)} aria-describedby="premod-hint" aria-invalid=${invalidIf(settingsError, 'premodNewMemberPosts')} />
            <span class="hint" id="premod-hint">How many posts; 0 turns pre-moderation off.</span>
          </div>
          ${this.languages.length ? this.renderLanguage(settingsError) : nothing}
          <p class="error" role="alert">${settingsError ? messageFor(settingsError) : ''}</p>
          <p class="status" role="status">${this.settingsStatus}</p>
          <div><button type="submit" ?disabled=${this.settingsSave.busy}>${this.settingsSave.busy ? 'Saving…' : 'Save settings'}</button></div>
        </form>
      </section>
      <section aria-labelledby="words-h">
        <h2 id="words-h">Watched words</h2>
        <p class="muted" id="words-hint">
          Whole words or phrases, matched ignoring case and character width. <strong>Block</strong> refuses the post and tells the
          author which rule it broke; <strong>Hold</strong> sends it to the review queue for approval.
        </p>
        <form class="words" @submit=${this.saveWords} aria-describedby="words-hint">
          ${this.words.length === 0 ? html`<p class="muted">No watched words yet.</p>` : nothing}
          <ol class="rows">
            ${this.words.map(
              (w, i) => html`<li>
                <fieldset>
                  <legend class="visually-hidden">Watched word ${i + 1}</legend>
                  <div class="field phrase">
                    <label for=${`phrase-${i}`}>Phrase ${i + 1}</label>
                    <input id=${`phrase-${i}`} name=${`words.${i}.phrase`} type="text" maxlength=${L.watchedWordPhraseMax} .value=${w.phrase}
                      aria-invalid=${invalidIfPath(wordsError, `words.${i}.phrase`)}
                      @input=${(e: Event) => this.setWord(i, { phrase: (e.target as HTMLInputElement).value })} />
                  </div>
                  <div class="field">
                    <label for=${`action-${i}`}>What it does</label>
                    <select id=${`action-${i}`} name=${`words.${i}.action`}
                      @change=${(e: Event) => this.setWord(i, { action: (e.target as HTMLSelectElement).value as WatchedWordRule['action'] })}>
                      <option value="block" ?selected=${w.action === 'block'}>Block the post</option>
                      <option value="hold" ?selected=${w.action === 'hold'}>Hold for approval</option>
                    </select>
                  </div>
                  <button type="button" class="secondary remove" @click=${() => this.removeWord(i)}>Remove<span class="visually-hidden"> phrase ${i + 1}</span></button>
                </fieldset>
              </li>`,
            )}
          </ol>
          <p class="error" role="alert">${wordsError ? messageFor(wordsError) : ''}</p>
          <p class="status" role="status">${this.wordsStatus}</p>
          <div class="buttons">
            <button type="button" class="secondary add" ?disabled=${this.words.length >= L.watchedWordsMax} @click=${this.addWord}>Add a phrase</button>
            <button type="submit" ?disabled=${this.wordsSave.busy}>${this.wordsSave.busy ? 'Saving…' : 'Save watched words'}</button>
          </div>
        </form>
      </section>
    `;
  }

  /** The search language: the database's text-search configurations, the community's chosen. */
  private renderLanguage(error: unknown) {
    const options = this.languages.includes(this.language) ? this.languages : [this.language, ...this.languages];
    return html`<div class="field">
      <label for="search-language">Search language</label>
      <select id="search-language" name="searchLanguage" aria-describedby="search-language-hint" aria-invalid=${invalidIf(error, 'searchLanguage')}>
        ${options.map((l) => html`<option value=${l} ?selected=${l === this.language}>${languageName(l)}</option>`)}
      </select>
      <span class="hint" id="search-language-hint">
        The language members write in here: search then finds other forms of a word (teach, teaching, taught). “Simple” matches
        words as written, for any language. Changing it re-indexes every topic and reply of the community.
      </span>
    </div>`;
  }

  static override styles = [
    base,
    forms,
    css`
      :host {
        display: block;
      }
      section {
        margin-top: 1.5rem;
      }
      form.words {
        max-width: 40rem;
      }
      .rows {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 0.5rem;
      }
      .rows fieldset {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 0.75rem;
        align-items: end;
      }
      .rows .phrase {
        flex: 2 1 12rem;
      }
      .rows .field {
        flex: 1 1 10rem;
      }
      .buttons {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
      .error:empty,
      .status:empty {
        display: none;
      }
    `,
  ];
}

customElements.define('stoa-community-settings', StoaCommunitySettings);

declare global {
  interface HTMLElementTagNameMap {
    'stoa-community-settings': StoaCommunitySettings;
  }
}
