import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How admin commands reach a running server that holds the embedded data directory: the server writes
 * `admin.json` (its local URL and a random token, mode 0600) into the data directory and removes it when it
 * stops. Only someone who can read the data directory can use it.
 */
export interface AdminChannel {
  url: string;
  token: string;
  pid: number;
}

const file = (dataDir: string) => join(dataDir, 'admin.json');

/** Creates and publishes the admin channel of a server listening on `url`. */
export function openAdminChannel(dataDir: string, url: string): AdminChannel & { close(): void } {
  const channel: AdminChannel = { url, token: randomBytes(32).toString('base64url'), pid: process.pid };
  writeFileSync(file(dataDir), JSON.stringify(channel), { mode: 0o600 });
  return { ...channel, close: () => rmSync(file(dataDir), { force: true }) };
}

/** Reads the admin channel of the server running on `dataDir`, if it published one. */
export function readAdminChannel(dataDir: string): AdminChannel | undefined {
  try {
    return JSON.parse(readFileSync(file(dataDir), 'utf8')) as AdminChannel;
  } catch {
    return undefined;
  }
}

/** Constant-time check of a presented admin token. */
export function isAdminToken(expected: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
