import { type Logger, pino } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout (one line per event; `reqId` ties a request's lines together). */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, base: { service: 'kairos' }, timestamp: pino.stdTimeFunctions.isoTime },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
