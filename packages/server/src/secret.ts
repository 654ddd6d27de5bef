import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KairosConfig } from './config/index.js';

/**
 * The signing secret: `KAIROS_SECRET`, else one generated once and kept in the data directory
 * (`secret`, mode 0600). Several instances behind a load balancer must share `KAIROS_SECRET`.
 */
export function loadSecret(config: Pick<KairosConfig, 'secret' | 'dataDir'>): {
  secret: string;
  generated: boolean;
} {
  if (config.secret) return { secret: config.secret, generated: false };
  const file = join(config.dataDir, 'secret');
  try {
    return { secret: readFileSync(file, 'utf8').trim(), generated: false };
  } catch {
    mkdirSync(config.dataDir, { recursive: true });
    const secret = randomBytes(32).toString('hex');
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return { secret, generated: true };
  }
}
