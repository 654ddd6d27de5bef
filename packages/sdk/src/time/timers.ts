import type { Clock, Totals } from './clock.js';

/** Active-time stopwatches per activity id, all read from one page clock. */
export interface Timers {
  /** Starts (or restarts) the stopwatch of an activity. */
  start(id: string): void;
  /** Active and idle ms since `start`, or `undefined` when not running. */
  read(id: string): Totals | undefined;
  /** Reads and removes the stopwatch. */
  stop(id: string): Totals | undefined;
  /** Ids of the running stopwatches. */
  ids(): string[];
}

/** Creates the stopwatches over `clock`. */
export function createTimers(clock: Clock): Timers {
  const started = new Map<string, Totals>();
  const read = (id: string) => {
    const s = started.get(id);
    if (!s) return undefined;
    const t = clock.read();
    return { active: t.active - s.active, idle: t.idle - s.idle };
  };
  return {
    start: (id) => void started.set(id, clock.read()),
    read,
    stop(id) {
      const t = read(id);
      started.delete(id);
      return t;
    },
    ids: () => [...started.keys()],
  };
}
