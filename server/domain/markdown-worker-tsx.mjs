// Worker entry when the server runs from TypeScript (tsx, vitest): Node 20 does not apply tsx's
// `--import` hooks to worker threads, so this plain-JS entry registers tsx in the thread itself, then
// loads the real worker. The built server uses dist/server/markdown-worker.js instead.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./markdown-worker.ts');
export default worker.default;
