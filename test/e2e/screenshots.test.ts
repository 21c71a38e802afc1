// `npm run screenshots` (scripts/screenshots.ts) run as a user would, into a temporary folder: it must
// write the 12 pictures the README links (three pages × light/dark × 1280/360 px), each a PNG of its
// width, and dark differs from light. Needs Chromium; skipped with a printed reason without it.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { reportChromium } from '../helpers/browser.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
// The script always runs on a fresh embedded database, so the PostgreSQL pass of the suite would repeat it.
const onPostgres = Boolean(process.env.TEST_DATABASE_URL || process.env.DATABASE_URL);
if (onPostgres) console.log('[stoa tests] npm run screenshots is tested on the PGlite pass only (it never uses DATABASE_URL)');

describe.skipIf(onPostgres || !reportChromium('the screenshots script'))('npm run screenshots', () => {
  it('writes the 12 PNGs the README links, at their widths, dark unlike light', () => {
    const out = mkdtempSync(join(tmpdir(), 'stoa-shots-test-'));
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/screenshots.ts', out], { cwd: root, encoding: 'utf8', timeout: 400_000 });
      expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
      const expected = ['topic', 'engagement', 'moderation-queue'].flatMap((page) => ['light', 'dark'].flatMap((scheme) => [1280, 360].map((w) => `${page}-${scheme}-${w}.png`)));
      expect(readdirSync(out).sort()).toEqual([...expected].sort());
      const readme = readFileSync(join(root, 'README.md'), 'utf8');
      for (const name of expected) {
        expect(readme).toContain(`docs/screenshots/${name}`);
        const png = readFileSync(join(out, name));
        expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
        expect(png.readUInt32BE(16), name).toBe(Number(/-(\d+)\.png$/.exec(name)![1])); // IHDR width
        expect(png.readUInt32BE(20), name).toBeGreaterThan(600); // height: more than a header
      }
      const hash = (name: string) => createHash('sha256').update(readFileSync(join(out, name))).digest('hex');
      for (const page of ['topic', 'engagement', 'moderation-queue']) expect(hash(`${page}-dark-1280.png`)).not.toBe(hash(`${page}-light-1280.png`));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 420_000);
});
