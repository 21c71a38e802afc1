// Entry of the SQL-capture server (bench/run.ts): installs the capture (bench/capture-sql.ts) and then
// runs the server from source. An entry rather than a second `--import`: worker threads (the markdown
// pool) inherit the process's `--import` flags, and a TypeScript file among them fails to load there.
import './capture-sql.js';

await import('../server/main.js');
