// Layering rules for the server (docs/architecture.md). `npm run lint:deps` checks them; CI runs it after
// the type check. Layers, bottom up: shared/ → db/, errors, policy/ → domain/ → features/<name>/ → app.ts,
// services.ts. A feature may ask another feature's service (never its queries), without cycles.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cross-feature-queries',
      severity: 'error',
      comment: "A feature asks another feature's service, never its queries (queries.ts, *-queries.ts, queries/; shared rules live in server/domain/).",
      from: { path: '^server/features/([^/]+)/' },
      to: { path: '^server/features/([^/]+)/[^/]*queries(\\.ts$|/)', pathNot: '^server/features/$1/' },
    },
    {
      name: 'no-queries-outside-features',
      severity: 'error',
      comment: "Code outside the features (the demo seed, app.ts, services.ts…) asks a feature's service, never its queries.",
      from: { path: '^server/', pathNot: '^server/features/' },
      to: { path: '^server/features/[^/]+/[^/]*queries(\\.ts$|/)' },
    },
    {
      name: 'no-feature-folder-cycles',
      severity: 'error',
      comment: 'Feature folders depend on each other in one direction only (no A → B → … → A between folders).',
      scope: 'folder',
      from: { path: '^server/features/[^/]+$' },
      to: { path: '^server/features/[^/]+$', circular: true },
    },
    {
      name: 'no-module-cycles',
      severity: 'error',
      comment: 'No import cycles between server modules.',
      from: { path: '^server/' },
      to: { circular: true },
    },
    {
      name: 'infrastructure-imports-no-feature',
      severity: 'error',
      comment: 'plugins/ and db/ are infrastructure: a feature builds on them, not the other way round.',
      from: { path: '^server/(plugins|db)/' },
      to: { path: '^server/(features|domain)/' },
    },
    {
      name: 'domain-imports-no-feature',
      severity: 'error',
      comment: 'server/domain/ holds the rules several features share: it must not depend on any one feature.',
      from: { path: '^server/domain/' },
      to: { path: '^server/features/' },
    },
    {
      name: 'shared-imports-no-server',
      severity: 'error',
      comment: 'shared/ is used by the browser too.',
      from: { path: '^shared/' },
      to: { path: '^(server|client)/' },
    },
    {
      name: 'no-markdown-pipeline-on-request-thread',
      severity: 'error',
      comment:
        'shared/markdown.ts loads DOMPurify with jsdom, about a second of every start-up: only the markdown worker ' +
        'threads need it (loaded by file name, not imported). The server escapes with shared/html-escape.ts.',
      from: { path: '^server/(main|cluster)\\.ts$' },
      to: { path: '^shared/markdown\\.ts$', reachable: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^(server|shared)/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
