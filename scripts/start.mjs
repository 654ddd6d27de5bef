// `npm start`: builds whatever is out of date, then runs `kairos serve` in this process.
import { ensureBuilt } from './ensure-built.mjs';

await ensureBuilt();
const { main } = await import('../packages/server/dist/cli.js');
process.exitCode = await main(['serve', ...process.argv.slice(2)]);
