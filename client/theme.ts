// The colour scheme: follow the system (prefers-color-scheme, the default), or the member's choice of light
// or dark, remembered in localStorage. The choice is <html data-theme>, which tokens.css turns into
// `color-scheme`, and every token's light-dark() value follows.

export type ThemeChoice = 'system' | 'light' | 'dark';

export const THEME_STORAGE_KEY = 'stoa-theme';
const CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

/** The remembered choice ('system' when none, or when storage is unavailable). */
export function storedTheme(): ThemeChoice {
  try {
    const value = localStorage.getItem(THEME_STORAGE_KEY);
    return CHOICES.includes(value as ThemeChoice) ? (value as ThemeChoice) : 'system';
  } catch {
    return 'system';
  }
}

/** Applies a choice to the document without remembering it. */
export function applyTheme(choice: ThemeChoice, root: HTMLElement = document.documentElement) {
  if (choice === 'system') delete root.dataset.theme;
  else root.dataset.theme = choice;
}

/** Applies and remembers a choice ('system' forgets it). */
export function setTheme(choice: ThemeChoice) {
  applyTheme(choice);
  try {
    if (choice === 'system') localStorage.removeItem(THEME_STORAGE_KEY);
    else localStorage.setItem(THEME_STORAGE_KEY, choice);
  } catch {
    // Private mode or storage full: the choice lasts for this page only.
  }
}
