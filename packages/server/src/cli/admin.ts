import { readAdminChannel } from '../admin/channel.js';
import type { AdminOperations } from '../admin/operations.js';
import { localOperations } from '../admin/operations.js';
import { remoteOperations } from '../admin/remote.js';
import type { KairosConfig } from '../config/index.js';
import { KairosError } from '../errors.js';
import { loadSecret } from '../secret.js';
import { lockHolder } from '../storage/lock.js';
import { openStores } from '../storage/open.js';

/**
 * Runs admin operations where the data is: through the running server when it holds the embedded data
 * directory (PGlite allows one process), else on the stores directly (PostgreSQL/MongoDB allow many).
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
