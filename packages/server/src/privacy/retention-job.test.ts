import { Writable } from 'node:stream';
import { afterEach, expect, it } from 'vitest';
import { KairosError } from '../errors.js';
import { createLogger } from '../logger.js';
import type { RetentionSummary } from './retention.js';
import { type RetentionJob, retentionJob } from './retention-job.js';

const logOf = () => {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { logger: createLogger('debug', sink), lines };
};
const summary: RetentionSummary = { dryRun: false, now: '2026-01-01T00:00:00.000Z', tenants: [] };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const jobs: RetentionJob[] = [];
afterEach(async () => {
  for (const j of jobs.splice(0)) await j.stop();
});

it('checks shortly after start and then every interval; a failure is logged and retried', async () => {
  const { logger, lines } = logOf();
  let calls = 0;
  const job = retentionJob({
    hasSettings: async () => true,
    run: async () => {
      calls++;
      if (calls === 1) throw new Error('connection refused');
      return summary;
    },
    logger,
    everyMs: 100,
    stopWaitMs: 1000,
  });
  jobs.push(job);
  const started = Date.now();
  job.start();
  // first check after one interval (100 ms), then one per interval: the third comes after ~300 ms
  while (calls < 3 && Date.now() - started < 10_000) await sleep(10);
  expect(calls).toBe(3);
  expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  await job.stop();
  const after = calls;
  const failed = lines.filter((l) => l.msg === 'retention failed; the next check tries again');
  expect(failed).toHaveLength(1);
  expect(failed[0]!.level).toBe(40);
  // stopped: no more checks
  await sleep(250);
  expect(calls).toBe(after);
});

it('does nothing without settings, and skips quietly when another process holds the lock', async () => {
  const { logger, lines } = logOf();
  let runs = 0;
  let settings = false;
  const job = retentionJob({
    hasSettings: async () => settings,
    run: async () => {
      runs++;
      throw new KairosError('retention_busy', 'another Kairos process is running retention now', {
        status: 409,
      });
    },
    logger,
    everyMs: 60_000,
    stopWaitMs: 1000,
  });
  jobs.push(job);
  await job.tick();
  expect(runs).toBe(0);
  settings = true;
  await job.tick();
  expect(runs).toBe(1);
  expect(lines.map((l) => l.msg)).toEqual(['retention runs in another process: skipped']);
});

it('stop waits for the check in flight, at most stopWaitMs', async () => {
  const { logger } = logOf();
  let finished = false;
  const job = retentionJob({
    hasSettings: async () => true,
    run: async () => {
      await sleep(5000);
      finished = true;
      return summary;
    },
    logger,
    everyMs: 60_000,
    stopWaitMs: 200,
  });
  void job.tick();
  const started = Date.now();
  await job.stop();
  const waited = Date.now() - started;
  expect(waited).toBeGreaterThanOrEqual(190);
  expect(waited).toBeLessThan(2000);
  expect(finished).toBe(false);
});
