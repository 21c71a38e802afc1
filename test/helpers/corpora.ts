// The public test corpora in ../shared/corpora (see its README): naughty strings and XSS payloads.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The corpora live beside the repository; from a git worktree (e.g. /work/wt/<branch>) that is further
// up, so look in each ancestor directory for shared/corpora.
function findCorpora(): string {
  let at = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(at, 'shared', 'corpora');
    if (existsSync(join(candidate, 'blns.json'))) return `${candidate}/`;
    const up = dirname(at);
    if (up === at) return fileURLToPath(new URL('../../../shared/corpora/', import.meta.url));
    at = up;
  }
}
const dir = findCorpora();

/** The Big List of Naughty Strings, plus the NUL, LF and CR it lacks. */
export function naughtyStrings(): string[] {
  const list = JSON.parse(readFileSync(`${dir}blns.json`, 'utf8')) as string[];
  return [...list, 'nul\u0000byte', 'line\nfeed', 'carriage\rreturn'];
}

export function xssPayloads(): Array<{ title: string; payload: string }> {
  return JSON.parse(readFileSync(`${dir}dompurify-payloads.json`, 'utf8'));
}

/** Patterns that must never appear in HTML we produce (../shared/corpora/README.md). */
export const UNSAFE_HTML = [/<script/i, /\son[a-z]+\s*=/i, /=\s*["']?\s*javascript:/i, /vbscript:/i, /data:text\/html/i];
