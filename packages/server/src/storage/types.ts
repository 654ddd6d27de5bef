/**
 * The three storage roles of Kairos (see DESIGN.md "Storage: two roles, several backends"), each behind one
 * interface with one adapter per backend and one contract test suite that runs against every backend:
 * `record/`, `analytics/` and `cache/`. This module gathers their types and the stores of one process.
 */
import type { AnalyticsStore } from './analytics/types.js';
import type { Cache } from './cache/types.js';
import type { RecordStore } from './record/types.js';

export type * from './analytics/types.js';
export type * from './cache/types.js';
export type * from './record/types.js';

/** The stores of one Kairos process. */
export interface Stores {
  record: RecordStore;
  analytics: AnalyticsStore;
  cache: Cache;
  /** Closes every store (and releases the data-directory lock). */
  close(): Promise<void>;
}
