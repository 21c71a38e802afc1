// The public test corpora in ../shared/corpora (see its README): naughty strings and XSS payloads.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// ../shared/corpora beside the repository; a git worktree sits one level deeper (/work/wt/<name>).
const dir = [new URL('../../../shared/corpora/', import.meta.url), new URL('../../../../shared/corpora/', import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((d) => existsSync(`${d}blns.json`)) ?? fileURLToPath(new URL('../../../shared/corpora/', import.meta.url));

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
