// Types of scripts/build.mjs (plain JavaScript, so that `npm start` runs it without a compiler) for the tests.
export type Part = 'server' | 'client' | 'snapshot';
export declare const parts: Record<Part, { inputs: string[]; outputs: string[]; fingerprint: string[] }>;
export declare function hashInputs(inputs: string[], base?: string): string;
export declare function statFiles(paths: string[], base?: string): string;
export declare function outputHash(part: Part, base?: string): string;
export type BuildState = Partial<Record<Part, { inputs: string; outputs: string }>>;
export declare function staleParts(options: { ifStale: boolean; base?: string; state?: BuildState }): {
  stale: Part[];
  hashes: Record<Part, string>;
};
export declare function snapshotLeftStale(options: { ifStale: boolean; forTests: boolean; env?: Record<string, string | undefined> }): boolean;
export declare function testsNeedSnapshot(env?: Record<string, string | undefined>): boolean;
