import { readAdminChannel } from '../admin/channel.js';
import { type KairosConfig, redact } from '../config/index.js';
import { DEMO_DEFAULTS } from '../demo/index.js';
import { createLogger, type Logger } from '../logger.js';
import { startServer } from '../server.js';
import { demoLines, demoThroughServer } from './demo.js';
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
  if (config.demo) void startDemo(config, io, logger);
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

/**
 * Demo mode: the first start of a data directory seeds the demo course in the background (through the
 * server's admin channel, as `kairos demo` does), printing its progress, then the two links; later starts
 * print the links at once. A failure is reported and leaves the server serving.
 */
async function startDemo(config: KairosConfig, io: CliIo, logger: Logger): Promise<void> {
  const channel = readAdminChannel(config.dataDir);
  if (!channel) return;
  let said = '';
  const started = Date.now();
  try {
    const status = await demoThroughServer(channel, DEMO_DEFAULTS, (s) => {
      const now = `${s.phase}:${s.sent}`;
      if (s.phase === 'ready' || now === said) return;
      if (said === '')
        io.err(
          `kairos: seeding the demo course (${DEMO_DEFAULTS.learners} simulated learners, ${DEMO_DEFAULTS.days} days) in the background…`,
        );
      said = now;
      if (s.phase === 'projecting') io.err('kairos: demo course: statements sent, waiting for the analytics');
      else if (s.total > 0) io.err(`kairos: demo course: ${s.sent}/${s.total} statements`);
    });
    const seeded = said === '' ? '' : ` (seeded in ${((Date.now() - started) / 1000).toFixed(1)} s)`;
    io.err([`Demo course ready: ${status.total} statements${seeded}`, ...demoLines(status)].join('\n'));
    logger.info({ course: status.course, statements: status.total }, 'demo course ready');
  } catch (error) {
    io.err(
      `kairos: the demo course could not be seeded: ${(error as Error).message} (it is retried at the next start)`,
    );
    logger.error({ err: error }, 'demo seeding failed');
  }
}
