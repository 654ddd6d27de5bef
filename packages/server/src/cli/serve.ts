import { type KairosConfig, redact } from '../config/index.js';
import { createLogger } from '../logger.js';
import { startServer } from '../server.js';
import type { CliIo } from './output.js';

/** Describes where data lives, for the start-up banner. */
export function describeStorage(config: KairosConfig): string {
  const sql = config.databaseUrl
    ? `PostgreSQL ${redact(config.databaseUrl)}`
    : `embedded PGlite in ${config.dataDir}`;
  const record = config.mongodbUrl
    ? `statements in MongoDB ${redact(config.mongodbUrl)}, projection in ${sql}`
    : sql;
  return `${record}; cache ${config.redisUrl ? `Redis ${redact(config.redisUrl)}` : 'in memory'}`;
}

/** `kairos serve`: runs until SIGTERM/SIGINT, then shuts down gracefully. Resolves with the exit code. */
export async function serve(config: KairosConfig, io: CliIo): Promise<number> {
  const logger = createLogger(config.logLevel);
  const started = Date.now();
  const running = await startServer(config, { logger, onProgress: (m) => io.err(`kairos: ${m}`) });
  const base = config.publicUrl;
  io.err(
    [
      `Kairos is ready on ${running.url} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
      `  xAPI endpoint       ${base}/xapi`,
      `  Dashboard           ${base}/dashboard`,
      `  LTI configuration   ${base}/lti/canvas.json · dynamic registration ${base}/lti/register`,
      `  Health              ${base}/healthz · ${base}/readyz`,
      `  Storage             ${describeStorage(config)}`,
    ].join('\n'),
  );
  logger.info({ url: running.url }, 'listening');
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        io.err(`kairos: ${signal} again, exiting now`);
        resolve(1);
        process.exit(1);
      }
      stopping = true;
      io.err(`kairos: ${signal} received, finishing in-flight requests…`);
      running.close().then(
        () => {
          logger.info('stopped');
          logger.flush?.();
          resolve(0);
        },
        (error) => {
          io.err(`kairos: shutdown failed: ${(error as Error).message}`);
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
