import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where `test/services/up` writes the service URLs (`KEY=value` lines). */
export const servicesEnvFile = fileURLToPath(new URL('../../.tmp/services.env', import.meta.url));

/**
 * Copies `DATABASE_URL`, `MONGODB_URL`, `REDIS_URL`… from `.tmp/services.env` into `process.env`,
 * never overriding a variable the user already set (so they can point tests at their own servers).
 */
export function loadServicesEnv(): void {
  if (!existsSync(servicesEnvFile)) return;
  for (const line of readFileSync(servicesEnvFile, 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m && process.env[m[1]!] === undefined) process.env[m[1]!] = m[2]!;
  }
}
