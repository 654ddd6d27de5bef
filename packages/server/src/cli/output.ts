import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ConfigError, KairosError } from '../errors.js';

/** What the CLI writes to; swapped in tests. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** Writes to the process's stdout and stderr. */
export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Reports an error on one line and returns the exit code: 2 for configuration and usage errors,
 * 1 for everything else (with the stack only for unknown errors).
 */
export function reportError(io: CliIo, error: unknown): number {
  if (error instanceof ConfigError || (error instanceof KairosError && error.code === 'usage')) {
    io.err(`kairos: ${error.message}`);
    return 2;
  }
  if (error instanceof KairosError) {
    io.err(`kairos: ${error.message}`);
    return 1;
  }
  io.err(`kairos: unexpected error: ${(error as Error)?.stack ?? String(error)}`);
  return 1;
}

/** A usage error (unknown command or flag): exit code 2. */
export function usageError(message: string): KairosError {
  return new KairosError('usage', `${message}. Run \`kairos help\` for usage.`);
}

/** `parseArgs` whose errors (unknown flag, missing value) are usage errors: one line, exit code 2. */
export function parseFlags<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw usageError((error as Error).message.split('\n')[0]!.replace(/\.$/, ''));
  }
}
