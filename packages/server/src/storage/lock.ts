import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirLockedError } from '../errors.js';

/** A held data-directory lock; `release()` is idempotent. */
export interface DataDirLock {
  readonly path: string;
  release(): void;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Takes `kairos.lock` in the data directory so no two processes open the same embedded database
 * (PGlite has no lock of its own and would corrupt it). A lock left by a dead process is taken over.
 * Throws {@link DataDirLockedError} when a live process holds it.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'kairos.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }));
      closeSync(fd);
      let held = true;
      return {
        path,
        release() {
          if (!held) return;
          held = false;
          try {
            unlinkSync(path);
          } catch {}
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(path);
      if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
        throw new DataDirLockedError(dataDir, holder);
      }
      if (holder === process.pid) throw new DataDirLockedError(dataDir, holder);
      try {
        unlinkSync(path); // stale: its process is gone
      } catch {}
    }
  }
  throw new DataDirLockedError(dataDir, readHolder(path) ?? 0);
}

/** Pid of the process holding the lock of `dataDir`, if a live one does. */
export function lockHolder(dataDir: string): number | undefined {
  const pid = readHolder(join(dataDir, 'kairos.lock'));
  return pid !== undefined && isAlive(pid) ? pid : undefined;
}

function readHolder(path: string): number | undefined {
  try {
    const pid = Number(JSON.parse(readFileSync(path, 'utf8')).pid);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
