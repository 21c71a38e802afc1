// A clean install stays quiet and honest (issue 16): every installed package accepts the oldest Node that
// package.json's `engines` allows (no EBADENGINE), every package with an install script has an entry in
// `allowScripts` (npm 11 warns about the others), and the Docker image runs the current LTS.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const semver = require('semver') as { minVersion(range: string): { version: string } | null; satisfies(v: string, range: string): boolean };
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string }; allowScripts?: Record<string, boolean> };

interface Installed {
  name: string;
  version: string;
  engines?: { node?: string };
  scripts?: Record<string, string>;
  dir: string;
}

function installedPackages(dir = join(root, 'node_modules'), out: Installed[] = []): Installed[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === '.bin' || entry.name === '.cache') continue;
    const path = join(dir, entry.name);
    if (entry.name.startsWith('@')) {
      installedPackages(path, out);
      continue;
    }
    const manifest = join(path, 'package.json');
    if (existsSync(manifest)) {
      try {
        out.push({ ...(JSON.parse(readFileSync(manifest, 'utf8')) as Installed), dir: path });
      } catch {
        // a fixture or broken manifest inside a package: not an installed package
      }
    }
    if (existsSync(join(path, 'node_modules'))) installedPackages(join(path, 'node_modules'), out);
  }
  return out;
}

describe('a clean install', () => {
  const packages = installedPackages();

  it('has no package that refuses the oldest Node our engines allow (no EBADENGINE)', () => {
    const oldest = semver.minVersion(pkg.engines.node)!.version;
    expect(oldest).toBe('20.19.0');
    const refusing = packages.filter((p) => p.engines?.node && !semver.satisfies(oldest, p.engines.node)).map((p) => `${p.name}@${p.version} (${p.engines!.node})`);
    expect(refusing).toEqual([]);
  });

  it('lists every package with an install script in allowScripts (npm 11 warns about unreviewed ones)', () => {
    const withScripts = packages.filter((p) => ['preinstall', 'install', 'postinstall'].some((s) => p.scripts?.[s]) || existsSync(join(p.dir, 'binding.gyp')));
    const unreviewed = [...new Set(withScripts.map((p) => p.name))].filter((name) => !(name in (pkg.allowScripts ?? {})));
    expect(unreviewed).toEqual([]);
  });

  it('builds the Docker image on Node 24, the current LTS', () => {
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toMatch(/^FROM node:24-/m);
    expect(readFileSync(join(root, 'docker-compose.yml'), 'utf8')).toMatch(/build: \./);
  });
});
