import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { readAdminChannel } from '../admin/channel.js';
import type { AdminOperations } from '../admin/operations.js';
import { localOperations } from '../admin/operations.js';
import { remoteOperations } from '../admin/remote.js';
import type { KairosConfig } from '../config/index.js';
import { KairosError } from '../errors.js';
import { loadSecret } from '../secret.js';
import { lockHolder } from '../storage/lock.js';
import { openStores } from '../storage/open.js';

/** Whether `dir` holds an embedded database (what `kairos serve` or `kairos migrate` leaves there). */
const hasEmbeddedDatabase = (dir: string) => existsSync(join(dir, 'pglite'));

/** The nearest `.kairos` with a database in `from` or a parent directory (a hint, never opened). */
function nearestDataDir(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, '.kairos');
    if (hasEmbeddedDatabase(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The error of an admin command run where there is no Kairos data: what was looked for, how to point at it. */
export function noDataError(config: Pick<KairosConfig, 'dataDir'>, cwd = process.cwd()): KairosError {
  const found = nearestDataDir(dirname(config.dataDir));
  const lines = [
    `no Kairos data here: no server runs on ${config.dataDir} and it holds no database (nothing was created).`,
    '  Point the command at your server:',
    '    cd to the directory where `kairos serve` runs (its data is .kairos there), or',
    '    set KAIROS_DATA_DIR to its data directory (embedded store), or',
    '    set DATABASE_URL (and MONGODB_URL, KAIROS_SECRET) as the server has them.',
  ];
  if (found && found !== config.dataDir)
    lines.push(`  Found one in ${relative(cwd, dirname(found)) || '.'}: KAIROS_DATA_DIR=${found}`);
  lines.push('  To create a new store here instead, run `kairos serve` or `kairos migrate` first.');
  return new KairosError('no_data_dir', lines.join('\n'));
}

/**
 * Runs admin operations where the data is: through the running server when it holds the embedded data
 * directory (PGlite allows one process), else on the stores directly (PostgreSQL/MongoDB allow many).
 * Never creates a data directory: run elsewhere than the server, a command used to open (and create) an
 * empty `./.kairos` and answer `[]`, which looked like a server with nothing registered.
 */
export async function withAdmin<T>(
  config: KairosConfig,
  fn: (ops: AdminOperations) => Promise<T>,
  options: { secret?: boolean } = {},
): Promise<T> {
  if (!config.databaseUrl) {
    const pid = lockHolder(config.dataDir);
    if (pid !== undefined) {
      const channel = readAdminChannel(config.dataDir);
      if (!channel) {
        throw new KairosError(
          'server_busy',
          `Kairos (pid ${pid}) holds ${config.dataDir} but is not serving yet; retry in a few seconds`,
        );
      }
      return fn(remoteOperations(channel));
    }
    if (!hasEmbeddedDatabase(config.dataDir)) throw noDataError(config);
  } else if (options.secret && !config.secret && !existsSync(join(config.dataDir, 'secret'))) {
    // A new secret here would not be the server's: platform keys sealed with it could not be opened.
    throw new KairosError(
      'no_secret',
      `platform keys and forwarders' passwords are sealed with the server's secret: set KAIROS_SECRET as the server has it (or KAIROS_DATA_DIR to the server's data directory, which holds it). Nothing was created.`,
    );
  }
  const stores = await openStores(config);
  try {
    // platform keys are sealed with the server secret: only the commands that need it load (or create) it
    const secret = options.secret ? loadSecret(config).secret : undefined;
    return await fn(localOperations(stores, config.publicUrl, undefined, secret));
  } finally {
    await stores.close();
  }
}
