// scripts/build.mjs decides what `npm start` rebuilds: a part whose input files' paths and contents hash
// differently from its last build, or whose output is missing or not the one it built; never because of
// modification times.
import { mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashInputs, outputHash, parts, snapshotLeftStale, staleParts, testsNeedSnapshot, type BuildState, type Part } from '../../scripts/build.mjs';

const base = mkdtempSync(join(tmpdir(), 'stoa-build-test-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const write = (path: string, text: string) => {
  mkdirSync(dirname(join(base, path)), { recursive: true });
  writeFileSync(join(base, path), text);
};

describe('what npm start rebuilds', () => {
  let built: BuildState;
  beforeAll(() => {
    for (const file of ['server/main.ts', 'server/db/client.ts', 'server/db/snapshot.ts', 'shared/limits.ts', 'client/main.ts', 'migrations/0000_initial.sql', 'migrations/meta/_journal.json',
      'package.json', 'package-lock.json', 'tsconfig.json', 'scripts/build.mjs', 'server/build.mjs']) write(file, `// ${file}\n`);
    for (const part of Object.values(parts)) for (const output of part.outputs) write(output, 'built');
    const { hashes } = staleParts({ ifStale: true, base, state: {} });
    built = Object.fromEntries((Object.keys(parts) as Part[]).map((part) => [part, { inputs: hashes[part], outputs: outputHash(part, base) }]));
  });
  const stale = () => staleParts({ ifStale: true, base, state: built }).stale;
  /** What scripts/build.mjs records after building a part (its output written anew). */
  const rebuilt = (part: Part) => {
    for (const output of parts[part].outputs) write(output, 'built');
    built[part] = { inputs: staleParts({ ifStale: true, base, state: built }).hashes[part], outputs: outputHash(part, base) };
  };

  it('nothing, when every part was built from the sources as they are', () => {
    expect(stale()).toEqual([]);
    expect(staleParts({ ifStale: false, base, state: built }).stale).toEqual(['server', 'client', 'snapshot']); // npm run build: all
  });

  it('nothing when only modification times change, in either direction', () => {
    const past = new Date('2001-01-01');
    utimesSync(join(base, 'server/main.ts'), past, past);
    utimesSync(join(base, 'client/main.ts'), new Date(), new Date(Date.now() + 86_400_000));
    expect(stale()).toEqual([]);
  });

  it('the parts whose inputs changed: shared code is in the client and the server, a migration in the snapshot', () => {
    write('shared/limits.ts', '// changed\n');
    expect(stale()).toEqual(['server', 'client']);
    write('shared/limits.ts', '// shared/limits.ts\n'); // back as it was: up to date again
    expect(stale()).toEqual([]);
    write('migrations/0001_next.sql', 'select 1;\n');
    expect(stale()).toEqual(['snapshot']);
    rmSync(join(base, 'migrations/0001_next.sql'));
    write('server/db/snapshot.ts', '// changed\n'); // the server bundle and the snapshot's maker
    expect(stale()).toEqual(['server', 'snapshot']);
    write('server/db/snapshot.ts', '// server/db/snapshot.ts\n');
    write('package-lock.json', '{}'); // dependencies: everything
    expect(stale()).toEqual(['server', 'client', 'snapshot']);
    write('package-lock.json', '// package-lock.json\n');
  });

  it('a part whose input was renamed, and one whose output is missing', () => {
    renameSync(join(base, 'client/main.ts'), join(base, 'client/app.ts'));
    expect(stale()).toEqual(['client']);
    renameSync(join(base, 'client/app.ts'), join(base, 'client/main.ts'));
    rmSync(join(base, 'dist/pglite-migrated.json'));
    expect(stale()).toEqual(['snapshot']);
    rebuilt('snapshot');
    expect(stale()).toEqual([]);
  });

  it('a part whose output was rebuilt by other means (e.g. node server/build.mjs on other sources)', () => {
    write('dist/server/main.js', 'built from another checkout');
    expect(stale()).toEqual(['server']);
    rebuilt('server');
    expect(stale()).toEqual([]);
    write('dist/client/assets/extra.js', 'a bare vite build of other sources');
    expect(stale()).toEqual(['client']);
    rmSync(join(base, 'dist/client/assets'), { recursive: true });
    expect(stale()).toEqual([]);
  });

  it('npm start never waits for a stale snapshot; npm test only when it runs on PostgreSQL; npm run build always builds it', () => {
    expect(snapshotLeftStale({ ifStale: true, forTests: false, env: {} })).toBe(true);
    expect(snapshotLeftStale({ ifStale: true, forTests: true, env: {} })).toBe(false);
    expect(snapshotLeftStale({ ifStale: true, forTests: true, env: { TEST_DATABASE_URL: 'postgres://x/y' } })).toBe(true);
    expect(snapshotLeftStale({ ifStale: false, forTests: false, env: {} })).toBe(false);
  });

  it('for the tests, the snapshot only when they run on PGlite', () => {
    expect(testsNeedSnapshot({})).toBe(true);
    expect(testsNeedSnapshot({ DATA_DIR: './data' })).toBe(true); // the tests' databases are in memory
    expect(testsNeedSnapshot({ DATABASE_URL: 'postgres://x/y' })).toBe(false);
    expect(testsNeedSnapshot({ TEST_DATABASE_URL: 'postgres://x/y' })).toBe(false);
  });

  it('hashes paths with contents, and nothing outside the inputs', () => {
    write('h/one/a.txt', 'same');
    write('h/two/b.txt', 'same');
    write('h/three/a.txt', 'same');
    expect(hashInputs(['h/one'], base)).not.toBe(hashInputs(['h/two'], base)); // same content, another name
    expect(hashInputs(['h/one'], base)).not.toBe(hashInputs(['h/three'], base)); // same name, another folder
    expect(hashInputs(['h/one', 'h/missing'], base)).toBe(hashInputs(['h/one'], base));
    write('test/client.test.ts', '// not an input\n');
    expect(stale()).toEqual([]);
  });
});
