// Starts one Stoa process: config, migrations, admin + demo content, then listen. See start.ts.
import { prepareDatabase, printDemoSignIns, readConfigOrExit, serve } from './start.js';

const config = readConfigOrExit();
// One process: the database opened to migrate and seed stays open to serve.
const { seeded, handover } = await prepareDatabase(config, { keepOpen: true });
await serve(config, handover);
printDemoSignIns(config, seeded);
