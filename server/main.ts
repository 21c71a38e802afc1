// Starts one Stoa process: config, migrations, admin + demo content, then listen. See start.ts.
import { prepareDatabase, printDemoSignIns, readConfigOrExit, serve } from './start.js';

const config = readConfigOrExit();
const { seeded } = await prepareDatabase(config);
await serve(config);
printDemoSignIns(config, seeded);
