import { flagToEnv, loadConfig } from '../config/index.js';
import { openStores } from '../storage/open.js';
import { COMPETENCIES_USAGE, competencies } from './competencies.js';
import { DEMO_USAGE, demoCommand } from './demo.js';
import { FORWARD_USAGE, forward } from './forward.js';
import { IMPORT_USAGE, importCommand } from './import.js';
import { KEYS_USAGE, keys } from './keys.js';
import { type CliIo, parseFlags, processIo, reportError, usageError } from './output.js';
import { PLATFORM_USAGE, platform } from './platform.js';
import { auditCommand, exportCommand, forgetCommand, PRIVACY_USAGE } from './privacy.js';
import { REPROJECT_USAGE, reprojectCommand } from './reproject.js';
import { RETENTION_USAGE, retentionCommand } from './retention.js';
import { describeStorage, serve } from './serve.js';

const USAGE = `Usage: kairos <command> [options]

Commands:
  serve        Run the Kairos server (LRS, LTI tool, analytics, dashboard)
  migrate      Apply pending database migrations and exit
  keys         Create, list and revoke API keys (Basic auth for xAPI clients)
  import       Load NDJSON statements into the LRS, with progress and a summary
  platform     Register LTI 1.3 platforms (LMSs) by hand; list, remove, rotate keys
  competencies Import a competency framework (1EdTech CASE JSON, or CSV)
  reproject    Rebuild the analytics from the stored statements while the server keeps answering
  forward      Forward a tenant's statements to another LRS (an institutional LRS); list, remove
  forget       Erase one learner from every store (GDPR erasure); export: their data as JSON
  retention    Purge each tenant's data older than N months (per-tenant setting, daily job, dry run)
  audit        The log of administrative actions
  demo         Seed a simulated class (framework, roster, statements) and print its dashboard links
  help         Show this help

Options of serve and migrate (each overrides its environment variable):
  --port N            PORT (3000)
  --host H            HOST (0.0.0.0)
  --public-url URL    KAIROS_PUBLIC_URL (http://localhost:PORT)
  --data-dir DIR      KAIROS_DATA_DIR (.kairos): embedded database when DATABASE_URL is unset
  --database-url URL  DATABASE_URL (postgres://…)
  --mongodb-url URL   MONGODB_URL (mongodb://…): statements in MongoDB
  --redis-url URL     REDIS_URL (redis://…): shared cache, rate limits and queues
  --log-level LEVEL   LOG_LEVEL (info)

${KEYS_USAGE}
${IMPORT_USAGE}
${PLATFORM_USAGE}
${COMPETENCIES_USAGE}
${REPROJECT_USAGE}
${FORWARD_USAGE}
${PRIVACY_USAGE}
${RETENTION_USAGE}
${DEMO_USAGE}

Admin commands work while \`kairos serve\` runs on the same data directory or databases.
On the embedded store the first \`kairos serve\` seeds a demo course and prints its links (KAIROS_DEMO=0: no demo).
Docs: docs/operations.md, docs/lrs.md, docs/demo.md`;

const serverOptions = Object.fromEntries(
  Object.keys(flagToEnv).map((flag) => [flag, { type: 'string' as const }]),
) as Record<keyof typeof flagToEnv, { type: 'string' }>;

function parse(args: string[]) {
  return parseFlags({ args, options: serverOptions, allowPositionals: false, strict: true }).values;
}

/**
 * Runs the `kairos` CLI with `argv` (without node and script) and resolves with the exit code.
 *
 * @example
 * process.exitCode = await main(['serve', '--port', '4000']);
 */
export async function main(argv: string[], io: CliIo = processIo, env = process.env): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serve(loadConfig(env, parse(rest)), io);
      case 'migrate': {
        const config = loadConfig(env, parse(rest));
        const stores = await openStores(config, { onProgress: (m) => io.err(`kairos: ${m}`) });
        await stores.close();
        io.out(`migrations applied (${describeStorage(config)})`);
        return 0;
      }
      case 'keys':
        return await keys(loadConfig(env), rest, io);
      case 'import':
        return await importCommand(loadConfig(env), rest, io);
      case 'platform':
        return await platform(loadConfig(env), rest, io);
      case 'competencies':
        return await competencies(loadConfig(env), rest, io);
      case 'reproject':
        return await reprojectCommand(loadConfig(env), rest, io);
      case 'forward':
        return await forward(loadConfig(env), rest, io);
      case 'forget':
        return await forgetCommand(loadConfig(env), rest, io);
      case 'export':
        return await exportCommand(loadConfig(env), rest, io);
      case 'retention':
        return await retentionCommand(loadConfig(env), rest, io);
      case 'audit':
        return await auditCommand(loadConfig(env), rest, io);
      case 'demo':
        return await demoCommand(loadConfig(env), rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw usageError(`unknown command "${command}"`);
    }
  } catch (error) {
    return reportError(io, error);
  }
}
