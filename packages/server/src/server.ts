import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openAdminChannel } from './admin/channel.js';
import type { KairosConfig } from './config/index.js';
import { features } from './features.js';
import { type AppDeps, createApp } from './http/app.js';
import type { Logger } from './logger.js';
import { loadSecret } from './secret.js';
import { ShutdownHooks } from './shutdown.js';
import { openStores } from './storage/open.js';
import type { Stores } from './storage/types.js';

/** A running Kairos server. */
export interface RunningServer {
  /** Base URL it listens on (`http://127.0.0.1:3000`). */
  url: string;
  stores: Stores;
  server: Server;
  /** Graceful stop: refuse new connections, finish in-flight requests (bounded), close the stores. */
  close(): Promise<void>;
}

/**
 * Opens the stores, migrates them, and serves the Kairos app on `config.host:config.port`.
 *
 * @example
 * const running = await startServer(loadConfig(process.env), { logger: createLogger('info') });
 */
export async function startServer(
  config: KairosConfig,
  options: { logger: Logger; onProgress?: (message: string) => void },
): Promise<RunningServer> {
  const { logger } = options;
  const stores = await openStores(config, { onProgress: options.onProgress });
  let shuttingDown = false;
  let server: Server;
  let admin: ReturnType<typeof openAdminChannel> | undefined;
  const shutdown = new ShutdownHooks();
  try {
    const { secret } = loadSecret(config);
    if (!config.secret && (config.databaseUrl || config.mongodbUrl)) {
      // shared stores mean several instances may serve the same users: each would sign with its own secret
      logger.warn(
        { dataDir: config.dataDir },
        'KAIROS_SECRET is not set: this instance signs tokens and seals secrets with the one in its data ' +
          'directory. Instances sharing DATABASE_URL/MONGODB_URL must share KAIROS_SECRET, or tokens minted by ' +
          'one are refused by the others',
      );
    }
    const deps: AppDeps = {
      config,
      stores,
      logger,
      secret,
      isShuttingDown: () => shuttingDown,
      adminToken: () => admin?.token,
      shutdown,
      features,
    };
    const app = createApp(deps);
    server = app.listen(config.port, config.host);
    // Longer than load balancers' idle timeouts (60 s), so a reused connection is never closed under a request.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    await once(server, 'listening');
  } catch (error) {
    await shutdown.run();
    await stores.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const localHost = host === '0.0.0.0' || host === '[::]' ? 'localhost' : host;
  const url = `http://${localHost}:${address.port}`;
  // Admin commands reach a server that holds the embedded data directory through it.
  if (!config.databaseUrl) admin = openAdminChannel(config.dataDir, url.replace('localhost', '127.0.0.1'));
  let closing: Promise<void> | undefined;
  return {
    url,
    stores,
    server,
    close() {
      closing ??= (async () => {
        shuttingDown = true;
        admin?.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const timer = setTimeout(() => {
          logger.warn({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timeout: closing open connections');
          server.closeAllConnections();
        }, config.shutdownTimeoutMs);
        await closed;
        clearTimeout(timer);
        await shutdown.run();
        await stores.close();
      })();
      return closing;
    },
  };
}
