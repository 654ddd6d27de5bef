import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built CLI (`npm test` builds before running tests). */
export const kairosBin = fileURLToPath(new URL('../../packages/server/bin/kairos.js', import.meta.url));

/** A `kairos` process started by a test. */
export interface KairosProcess {
  child: ChildProcess;
  url: string;
  stderr(): string;
  stdout(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

// Tests inherit the service URLs of test/services; a started process uses only those a test passes.
// No demo course either (it would add a tenant, keys and statements to every test's store): the demo's
// own tests pass KAIROS_DEMO=1.
const noStores = { DATABASE_URL: undefined, MONGODB_URL: undefined, REDIS_URL: undefined, KAIROS_DEMO: '0' };

/** A fresh temporary data directory. */
export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'kairos-test-'));
}

/**
 * Runs `kairos <args>` to completion and returns its exit code and output. The environment is inherited
 * except the storage URLs, which are unset unless given.
 */
export function runKairos(
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 60_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [kairosBin, ...args], {
      env: { ...process.env, ...noStores, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kairos ${args.join(' ')} did not finish in ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Starts `kairos serve` on a free port (or on what `args` say) and resolves once it prints that it is
 * ready.
 */
export function startKairos(
  env: Record<string, string | undefined>,
  timeoutMs = 60_000,
  args = ['--port', '0', '--host', '127.0.0.1'],
): Promise<KairosProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [kairosBin, 'serve', ...args], {
      env: { ...process.env, ...noStores, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kairos serve not ready in ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /Kairos is ready on (http:\/\/\S+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
        resolve({
          child,
          url: m[1]!,
          stderr: () => stderr,
          stdout: () => stdout,
          stop: () => {
            if (child.exitCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kairos serve exited with ${code} before being ready:\n${stderr}`));
    });
  });
}
