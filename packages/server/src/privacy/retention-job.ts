import { KairosError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RetentionSummary } from './retention.js';

/** The periodic retention check of a server. */
export interface RetentionJob {
  /** Schedules the first check (shortly after start), then one every interval. */
  start(): void;
  /** One check now (what the timer runs); resolves when it is over, never rejects. */
  tick(): Promise<void>;
  /** Stops the timer and waits (at most `stopWaitMs`) for the check in flight. */
  stop(): Promise<void>;
}

/**
 * Runs retention every `everyMs` (first after `min(everyMs, 1 minute)`) when some tenant has a setting.
 * `run` takes the cross-process lock itself: another server running it makes this check skip
 * (`retention_busy`). A failure (a store down) is logged and the next check tries again; a check stopped
 * by shutdown is resumed by the next one.
 */
export function retentionJob(options: {
  /** Whether some tenant has a retention setting (a check with none does nothing, audits nothing). */
  hasSettings: () => Promise<boolean>;
  run: () => Promise<RetentionSummary>;
  logger: Logger;
  everyMs: number;
  stopWaitMs: number;
}): RetentionJob {
  const { logger } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const check = async () => {
    try {
      if (!(await options.hasSettings())) return;
      const summary = await options.run();
      for (const t of summary.tenants)
        logger.info(
          {
            tenantId: t.tenantId,
            cutoff: t.cutoff,
            statements: t.statements,
            documents: t.documents,
            attachments: t.attachments,
          },
          'retention purged',
        );
    } catch (err) {
      if (err instanceof KairosError && err.code === 'retention_busy')
        logger.debug('retention runs in another process: skipped');
      else logger.warn({ err }, 'retention failed; the next check tries again');
    }
  };

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      void job.tick().then(() => schedule(options.everyMs));
    }, ms);
    timer.unref();
  };

  const job: RetentionJob = {
    start: () => schedule(Math.min(options.everyMs, 60_000)),
    tick() {
      running ??= check().finally(() => {
        running = undefined;
      });
      return running;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (!running) return;
      // a long purge is left to the next start (it resumes), rather than holding the shutdown
      let wait: NodeJS.Timeout | undefined;
      await Promise.race([
        running,
        new Promise<void>((resolve) => {
          wait = setTimeout(resolve, options.stopWaitMs);
        }),
      ]);
      clearTimeout(wait);
    },
  };
  return job;
}
