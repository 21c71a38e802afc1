// The public test corpora kept in test/fixtures/corpora (see its README for sources and licences):
// naughty strings and XSS payloads. Read from inside the repository only, so a fresh clone tests alike.
import { readFileSync } from 'node:fs';

const dir = new URL('../fixtures/corpora/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir), 'utf8');

/** The Big List of Naughty Strings, plus the NUL, LF and CR it lacks and text that begins with U+FEFF. */
export function naughtyStrings(): string[] {
  const list = JSON.parse(read('blns.json')) as string[];
  return [...list, 'nul\u0000byte', 'line\nfeed', 'carriage\rreturn', '\uFEFFleading byte order mark'];
}

export function xssPayloads(): Array<{ title: string; payload: string }> {
  return JSON.parse(read('dompurify-payloads.json'));
}

/** Patterns that must never appear in HTML we produce (test/fixtures/corpora/README.md). */
export const UNSAFE_HTML = [/<script/i, /\son[a-z]+\s*=/i, /=\s*["']?\s*javascript:/i, /vbscript:/i, /data:text\/html/i];
