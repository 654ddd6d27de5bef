export { main } from './cli/index.js';
export { type KairosConfig, loadConfig, redact } from './config/index.js';
export { ConfigError, DataDirLockedError, HttpError, KairosError } from './errors.js';
export { type AppDeps, createApp } from './http/app.js';
export { createLogger, type Logger } from './logger.js';
export { type RunningServer, startServer } from './server.js';
export { type ShutdownHook, ShutdownHooks } from './shutdown.js';
export { openStores } from './storage/open.js';
export type {
  AnalyticsStore,
  Cache,
  CredentialRecord,
  RecordStore,
  StatementQuery,
  StatementRecord,
  Stores,
} from './storage/types.js';
