import type { KairosConfig } from '../config/index.js';
import type { Logger } from '../logger.js';
import type { KeyedRecordRepository, Stores } from '../storage/types.js';
import type { LtijsProvider } from './ltijs.js';
import type { PlatformRegistry } from './registry.js';
import type { PlatformKeys } from './verify.js';

/** What the LTI routes share. */
export interface LtiDeps {
  config: KairosConfig;
  publicUrl: string;
  secret: string;
  stores: Stores;
  keyed: KeyedRecordRepository;
  registry: PlatformRegistry;
  keys: PlatformKeys;
  lti: LtijsProvider;
  logger: Logger;
  /** Set the browser-binding state cookie (tests turn it off to exercise platform storage and new windows). */
  stateCookie: boolean;
  /** Mark the state cookie Partitioned (CHIPS) when on https. */
  partitioned: boolean;
}
