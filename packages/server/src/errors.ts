/**
 * Errors are API: every error Kairos reports has a stable machine `code`, an HTTP `status` and a message
 * that says what went wrong and how to fix it.
 */
export class KairosError extends Error {
  /** Stable, machine-readable code (`invalid_config`, `data_dir_locked`, `xapi_invalid`…). */
  readonly code: string;
  /** HTTP status used when this error reaches a response. */
  readonly status: number;
  /** Extra machine-readable details (validation issues…), sent to clients. */
  readonly details?: unknown;

  constructor(
    code: string,
    message: string,
    options: { status?: number; details?: unknown; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'KairosError';
    this.code = code;
    this.status = options.status ?? 500;
    this.details = options.details;
  }
}

/** An HTTP error answered as-is to the client (status, code, message). */
export class HttpError extends KairosError {
  constructor(
    status: number,
    code: string,
    message: string,
    options: { details?: unknown; cause?: unknown } = {},
  ) {
    super(code, message, { ...options, status });
    this.name = 'HttpError';
  }
}

/** A bad configuration value; the CLI prints its message on one line and exits with code 2. */
export class ConfigError extends KairosError {
  /** The environment variable or flag at fault. */
  readonly variable: string;
  constructor(variable: string, message: string) {
    super('invalid_config', `${variable} ${message}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

/** The embedded data directory is held by another live Kairos process. */
export class DataDirLockedError extends KairosError {
  constructor(dataDir: string, pid: number) {
    super(
      'data_dir_locked',
      `data directory ${dataDir} is in use by another Kairos process (pid ${pid}). ` +
        'Stop that process, or start this one with another KAIROS_DATA_DIR (or DATABASE_URL).',
    );
    this.name = 'DataDirLockedError';
  }
}
