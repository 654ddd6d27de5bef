/** Where {@link ensureBuilt} writes its progress (process.stderr, or a test's capture). */
export interface ProgressOut {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** The packages of `root` whose `src/` is newer than their `dist/index.js`. */
export function stalePackages(root?: string, packages?: string[]): string[];

/** Builds every stale package with progress (package n/total, elapsed time, time taken). */
export function ensureBuilt(options?: {
  root?: string;
  packages?: string[];
  tickMs?: number;
  out?: ProgressOut;
}): Promise<void>;
