// Accessibility checks in browser tests: axe-core (the engine behind Lighthouse's and Deque's checks) run in
// the page against WCAG 2 A and AA rules; it walks open shadow roots, so Lit components are checked inside.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** axe's source, evaluated through the DevTools protocol: the app's CSP (script-src 'self') refuses an injected <script>. */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  /** The offending elements' selectors (shadow-piercing paths as arrays). */
  targets: unknown[];
}

/**
 * The WCAG 2 A/AA violations on the page as it is now (an empty list when it passes). `alsoRules` adds
 * best-practice rules by id, e.g. `region` (all content inside landmarks).
 */
export async function axeViolations(page: Page, options: { alsoRules?: string[] } = {}): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async (alsoRules) => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown }> }> }> } }).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      rules: Object.fromEntries(alsoRules.map((id) => [id, { enabled: true }])),
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target) }));
  }, options.alsoRules ?? []);
}
