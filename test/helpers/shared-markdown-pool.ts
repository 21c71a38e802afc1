// Runs in every server and browser test file (the `server` project's setupFiles). Those files share their
// worker's modules (isolate: false), and most start an app: each app's markdown pool would load jsdom in a
// new thread again, about 2 s of CPU a file. The pool is kept between them instead (server/domain/markdown-pool.ts).
import { retainMarkdownPoolWhenIdle } from '../../server/domain/markdown-pool.js';

retainMarkdownPoolWhenIdle();
