import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.js';

const urlWithScheme = (schemes: string[], example: string) =>
  z.string().refine(
    (v) => {
      try {
        return schemes.includes(new URL(v).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { message: `must be a ${schemes.map((s) => `${s}://`).join(' or ')} URL, e.g. ${example}` },
  );

const isHttpUrl = (v: string) => {
  try {
    return ['http:', 'https:'].includes(new URL(v).protocol);
  } catch {
    return false;
  }
};

const port = z.coerce
  .number({ message: 'must be a port number between 1 and 65535' })
  .int('must be a whole port number between 1 and 65535')
  .min(0, 'must be a port number between 1 and 65535 (0 picks a free port)')
  .max(65535, 'must be a port number between 1 and 65535');

const byteSize = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/i, 'must be a size such as 512kb, 10mb or 1gb');

/** The environment variables Kairos reads, validated. Flags of `kairos serve` override them. */
const schema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1, 'must be a host name or address to listen on').default('0.0.0.0'),
  KAIROS_PUBLIC_URL: urlWithScheme(['http', 'https'], 'https://kairos.example.edu').optional(),
  KAIROS_DATA_DIR: z.string().min(1, 'must be a directory path').default('.kairos'),
  DATABASE_URL: urlWithScheme(
    ['postgres', 'postgresql'],
    'postgres://user:pass@db.example:5432/kairos',
  ).optional(),
  MONGODB_URL: urlWithScheme(['mongodb', 'mongodb+srv'], 'mongodb://db.example:27017/kairos').optional(),
  REDIS_URL: urlWithScheme(['redis', 'rediss'], 'redis://cache.example:6379/0').optional(),
  KAIROS_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KAIROS_BODY_LIMIT: byteSize.default('10mb'),
  KAIROS_RATE_LIMIT: z.coerce
    .number({ message: 'must be a number of requests per minute per credential (0 = off)' })
    .int()
    .min(0, 'must be 0 (off) or a positive number of requests per minute')
    .default(0),
  KAIROS_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  KAIROS_STORE_TIMEOUT_MS: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int()
    .min(100, 'must be at least 100 ms')
    .default(10_000),
  KAIROS_RETENTION_INTERVAL_MS: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int()
    .min(1000, 'must be at least 1000 ms')
    .default(86_400_000),
  KAIROS_PROJECTION_INTERVAL_MS: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int()
    .min(0, 'must be 0 (a pass per write) or a positive number of milliseconds')
    .max(10_000, 'must be at most 10000 ms (the projection would fall that far behind)')
    .default(250),
  KAIROS_XAPI_DEFAULT_VERSION: z
    .enum(['2.0.0', '1.0.3'], { message: 'must be 2.0.0 or 1.0.3' })
    .default('2.0.0'),
  KAIROS_REGISTRATION: z
    .enum(['open', 'token', 'closed'], { message: 'must be open, token or closed' })
    .default('open'),
  KAIROS_REGISTRATION_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters (e.g. `openssl rand -hex 16`)')
    .optional(),
  KAIROS_LTI_NAMES: z.enum(['on', 'off'], { message: 'must be on or off' }).default('on'),
  KAIROS_LTI_PAGES: z
    .string()
    .refine((v) => v.split(/[\s,]+/).every(isHttpUrl), {
      message: 'must be http:// or https:// origins separated by spaces, e.g. https://course.example.edu',
    })
    .optional(),
  KAIROS_DEMO: z
    .enum(['0', '1'], { message: 'must be 1 (seed the demo course on the embedded store) or 0 (no demo)' })
    .default('1'),
});

/** The validated configuration of a Kairos process. */
export interface KairosConfig {
  port: number;
  host: string;
  /** Base URL users and LMSs reach this server at, without trailing slash. */
  publicUrl: string;
  /** Absolute path of the embedded data directory (PGlite, lock file, generated secret). */
  dataDir: string;
  databaseUrl?: string;
  mongodbUrl?: string;
  redisUrl?: string;
  secret?: string;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  /** Maximum request body size, as accepted by Express (`10mb`). */
  bodyLimit: string;
  /** Requests per minute per credential; 0 disables rate limiting. */
  rateLimitPerMinute: number;
  shutdownTimeoutMs: number;
  /**
   * Deadline of every call to a store server (a query, a command, getting a connection): past it the
   * call fails and the request answers 503 with `Retry-After`, instead of waiting on a store that hangs.
   */
  storeTimeoutMs: number;
  /** How often each server checks for data past the tenants' retention (a day). */
  retentionIntervalMs: number;
  /** Least time between two live projection passes (`KAIROS_PROJECTION_INTERVAL_MS`, 250). */
  projectionIntervalMs: number;
  /** xAPI version a response names when the request's version header is missing or unsupported. */
  xapiDefaultVersion: '2.0.0' | '1.0.3';
  /** Who may register an LMS through LTI dynamic registration: anyone, holders of the token, or nobody. */
  registration: 'open' | 'token' | 'closed';
  /** Token a registration URL must carry (`/lti/register?token=…`) when `registration` is `token`. */
  registrationToken?: string;
  /** Keep learners' display names from launches and NRPS in the analytics store (off: ids only). */
  ltiNames: boolean;
  /**
   * Origins of developers' pages a learner launch may be handed to (a link's `custom.page`, with the
   * launch bootstrap in the URL fragment); none by default.
   */
  ltiPages: string[];
  /**
   * Demo mode: the first start seeds a simulated demo course and `/demo` opens it. On only with the
   * embedded store (no `DATABASE_URL`, no `MONGODB_URL`) and `KAIROS_DEMO` not `0`.
   */
  demo: boolean;
}

/** Flags of `kairos serve` and their environment variables. */
export const flagToEnv = {
  port: 'PORT',
  host: 'HOST',
  'public-url': 'KAIROS_PUBLIC_URL',
  'data-dir': 'KAIROS_DATA_DIR',
  'database-url': 'DATABASE_URL',
  'mongodb-url': 'MONGODB_URL',
  'redis-url': 'REDIS_URL',
  'log-level': 'LOG_LEVEL',
} as const;

/**
 * Validates the environment (and flags, which win) into a {@link KairosConfig}.
 * Empty variables count as unset. Throws a {@link ConfigError} naming the first bad variable.
 *
 * @example
 * const config = loadConfig(process.env, { port: '4000' });
 */
export function loadConfig(
  env: Record<string, string | undefined>,
  flags: Partial<Record<keyof typeof flagToEnv, string>> = {},
  cwd = process.cwd(),
): KairosConfig {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') raw[key] = value.trim();
  }
  for (const [flag, variable] of Object.entries(flagToEnv)) {
    const value = flags[flag as keyof typeof flagToEnv];
    if (value !== undefined) raw[variable] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0]);
    const shown = raw[variable] === undefined ? '' : ` (got ${JSON.stringify(redact(raw[variable]!))})`;
    throw new ConfigError(variable, `${issue.message}${shown}`);
  }
  const v = parsed.data;
  if (v.KAIROS_REGISTRATION === 'token' && !v.KAIROS_REGISTRATION_TOKEN) {
    throw new ConfigError(
      'KAIROS_REGISTRATION_TOKEN',
      'must be set (at least 16 characters) when KAIROS_REGISTRATION=token',
    );
  }
  return {
    port: v.PORT,
    host: v.HOST,
    publicUrl: (v.KAIROS_PUBLIC_URL ?? `http://localhost:${v.PORT}`).replace(/\/+$/, ''),
    dataDir: resolve(cwd, v.KAIROS_DATA_DIR),
    databaseUrl: v.DATABASE_URL,
    mongodbUrl: v.MONGODB_URL,
    redisUrl: v.REDIS_URL,
    secret: v.KAIROS_SECRET,
    logLevel: v.LOG_LEVEL,
    bodyLimit: v.KAIROS_BODY_LIMIT,
    rateLimitPerMinute: v.KAIROS_RATE_LIMIT,
    shutdownTimeoutMs: v.KAIROS_SHUTDOWN_TIMEOUT_MS,
    storeTimeoutMs: v.KAIROS_STORE_TIMEOUT_MS,
    retentionIntervalMs: v.KAIROS_RETENTION_INTERVAL_MS,
    projectionIntervalMs: v.KAIROS_PROJECTION_INTERVAL_MS,
    xapiDefaultVersion: v.KAIROS_XAPI_DEFAULT_VERSION,
    registration: v.KAIROS_REGISTRATION,
    registrationToken: v.KAIROS_REGISTRATION_TOKEN,
    ltiNames: v.KAIROS_LTI_NAMES === 'on',
    ltiPages: v.KAIROS_LTI_PAGES?.split(/[\s,]+/).map((o) => new URL(o).origin) ?? [],
    demo: v.KAIROS_DEMO === '1' && !v.DATABASE_URL && !v.MONGODB_URL,
  };
}

/** Hides the password of a URL before it is printed. */
export function redact(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return value;
  }
}
