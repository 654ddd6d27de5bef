/**
 * What the benchmarks share: their options (with npm's swallowed flags), scratch PostgreSQL databases, a
 * `kairos serve` child process on a free port, a keep-alive HTTP client and percentiles. Only Node built-ins
 * and `pg` (a server dependency, to create and drop databases).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ParseArgsConfig, parseArgs } from 'node:util';

export const SERVER_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = resolve(SERVER_DIR, '../..');
export const BIN = join(SERVER_DIR, 'bin/kairos.js');
export const HOST = '127.0.0.1';

// ---------------------------------------------------------------------------------------------- options

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true }>
>['values'];

/**
 * Parses a benchmark's options. From the repo root, `npm run bench:x -- --small` goes through a second
 * `npm run -w …`, which takes `--small` / `--stores=x` as npm config and hands them over as npm_config_*
 * variables: those count too, unless the option is also on the command line.
 */
export function benchArgs<const O extends Options>(
  options: O,
  script: string,
): { argv: string[]; values: Values<O> } {
  const argv = process.argv.slice(2);
  for (const [name, spec] of Object.entries(options)) {
    const fromNpm = process.env[`npm_config_${name.replace(/-/g, '_')}`];
    if (fromNpm === undefined || argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`))) continue;
    if (spec.type === 'boolean') {
      if (fromNpm === 'true') argv.push(`--${name}`);
    } else if (fromNpm !== 'true' && fromNpm !== '') argv.push(`--${name}=${fromNpm}`);
  }
  const parsed = parseArgs({ args: argv, options, allowPositionals: true });
  if (parsed.positionals.length > 0) {
    console.error(
      `bench: unexpected argument "${parsed.positionals[0]}". From the repo root write option values with "=" (npm run ${script} -- --mode=small) or add a second "--" (npm run ${script} -- -- --mode small).`,
    );
    process.exit(2);
  }
  return { argv, values: parsed.values };
}

// ---------------------------------------------------------------------------------------------- databases

/** URLs of the test services: the environment first, then .tmp/services.env, then the local defaults. */
export function serviceUrl(name: 'DATABASE_URL' | 'MONGODB_URL' | 'REDIS_URL'): string {
  if (process.env[name]) return process.env[name]!;
  try {
    const line = readFileSync(join(ROOT, '.tmp/services.env'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${name}=`));
    if (line) return line.slice(name.length + 1).trim();
  } catch {}
  return {
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
    MONGODB_URL: 'mongodb://127.0.0.1:27017/',
    REDIS_URL: 'redis://127.0.0.1:6379/0',
  }[name];
}

/** `url` with another database name. */
export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/** `n` random lowercase letters (scratch database names). */
export const letters = (n: number) =>
  Array.from({ length: n }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');

/** A database `kairos_bench_<letters>` created on the server of `DATABASE_URL`, dropped by `drop()`. */
export async function scratchPostgres(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const { default: pg } = await import('pg');
  const admin = serviceUrl('DATABASE_URL');
  const name = `kairos_bench_${letters(8)}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  return {
    name,
    url: withDatabase(admin, name),
    async drop() {
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
    },
  };
}

// ---------------------------------------------------------------------------------------------- kairos serve

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolvePromise(port));
    });
  });
}

/** The server's environment: ours without storage variables, logs at warn, no rate limit, then `extra`. */
export function serverEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['DATABASE_URL', 'MONGODB_URL', 'REDIS_URL', 'KAIROS_DATA_DIR', 'PORT', 'HOST'])
    delete env[k];
  return { ...env, LOG_LEVEL: 'warn', KAIROS_RATE_LIMIT: '0', ...extra };
}

/** A running `kairos serve`. */
export interface Running {
  child: ChildProcess;
  port: number;
  stderr: () => string;
  profDir?: string;
}

/**
 * Starts `kairos serve --host 127.0.0.1` on `port` (a free one by default: pass one to name the server's
 * public URL in `env` beforehand) and resolves once it says it is ready.
 */
export async function startKairos(
  env: NodeJS.ProcessEnv,
  cpuProf = false,
  port?: number,
  /** Where the server's stdout (its JSON log) goes; dropped by default. */
  logFile?: string,
): Promise<Running> {
  port ??= await freePort();
  const profDir = cpuProf ? mkdtempSync(join(tmpdir(), 'kairos-bench-prof-')) : undefined;
  const nodeArgs = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'serve', '--port', String(port), '--host', HOST], {
    env,
    stdio: ['ignore', logFile ? openSync(logFile, 'a') : 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.setEncoding('utf8');
  await new Promise<void>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready after 90 s:\n${err}`)), 90_000);
    child.stderr!.on('data', (d: string) => {
      err += d;
      if (err.length > 100_000) err = err.slice(-50_000);
      if (err.includes('Kairos is ready on')) {
        clearTimeout(timer);
        resolvePromise();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was ready:\n${err}`));
    });
  });
  return { child, port, stderr: () => err, profDir };
}

/** Stops the server with SIGTERM (SIGKILL after 20 s) and waits for it to exit. */
export async function stopKairos(r: Running): Promise<void> {
  if (r.child.exitCode !== null) return;
  const exited = new Promise<void>((res) => r.child.once('exit', () => res()));
  r.child.kill('SIGTERM');
  const timer = setTimeout(() => r.child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/** Runs `kairos <args>` in the server's environment; resolves with its stdout, rejects on failure. */
export function runCli(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, [BIN, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kairos ${args[0]} ${args[1] ?? ''} failed: ${error.message}\n${stderr}`));
      else resolvePromise(stdout);
    });
  });
}

/** `kairos keys create --scopes all --json` in the server's environment. */
export function createKey(
  env: NodeJS.ProcessEnv,
): Promise<{ key: string; secret: string; tenantId: string }> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      process.execPath,
      [BIN, 'keys', 'create', '--name', 'bench', '--scopes', 'all', '--json'],
      { env, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`kairos keys create failed: ${error.message}\n${stderr}`));
        try {
          resolvePromise(JSON.parse(stdout.trim().split('\n').pop()!));
        } catch {
          reject(new Error(`kairos keys create printed no JSON:\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

// ---------------------------------------------------------------------------------------------- HTTP client

/** An answer: status, body, the response headers and milliseconds from `startedAt`. */
export interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
  ms: number;
}

/** HTTP/1.1 keep-alive client of one server, with Basic (or any) `auth` and a per-request timeout. */
export class Client {
  readonly agent: http.Agent;
  constructor(
    readonly port: number,
    readonly auth: string,
    maxSockets: number,
    readonly timeoutMs: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  request(method: string, path: string, body?: string, startedAt = performance.now()): Promise<Reply> {
    return new Promise((resolvePromise, reject) => {
      const headers: Record<string, string | number> = {
        'X-Experience-API-Version': '2.0.0',
        Authorization: this.auth,
      };
      if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        headers['Content-Length'] = Buffer.byteLength(body);
      }
      const req = http.request(
        { host: HOST, port: this.port, method, path, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolvePromise({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              headers: res.headers,
              ms: performance.now() - startedAt,
            }),
          );
          res.on('error', reject);
        },
      );
      // Counted from the call, not from when the agent hands out a socket (queued requests time out too).
      const timer = setTimeout(
        () => req.destroy(new Error(`client-side timeout: no answer within ${this.timeoutMs / 1000} s`)),
        this.timeoutMs,
      );
      req.on('close', () => clearTimeout(timer));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

// ---------------------------------------------------------------------------------------------- figures

/** Percentile `p` (0–100) of ascending `sorted` samples (nearest rank). */
export const pct = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

export const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

/** Latency percentiles of samples in milliseconds. */
export interface LatencyStats {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function latencyStats(samples: number[]): LatencyStats {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return {
    p50: round(pct(s, 50), 2),
    p95: round(pct(s, 95), 2),
    p99: round(pct(s, 99), 2),
    max: round(s[s.length - 1] ?? Number.NaN, 2),
    mean: round(mean, 2),
  };
}

export const fmtN = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
export const fmtMs = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—');

// ---------------------------------------------------------------------------------------------- processes

const CLK_TCK = 100;

/** CPU seconds (user + system) process `pid` used so far. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime + stime
  } catch {
    return Number.NaN;
  }
}
/** CPU seconds of the database processes on this machine (PostgreSQL backends, FerretDB), all users. */
export function databaseCpuTicks(): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (comm !== 'postgres' && !comm.startsWith('ferretdb') && comm !== 'mongod') continue;
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(pid, Number(f[11]) + Number(f[12]));
    } catch {}
  }
  return ticks;
}
/** CPU seconds the database processes alive now used since `before` (backends that exited meanwhile are missed). */
export function databaseCpuSince(before: Map<string, number>): number {
  let ticks = 0;
  for (const [pid, t] of databaseCpuTicks()) ticks += t - (before.get(pid) ?? 0);
  return ticks / CLK_TCK;
}
/** Busy and total CPU ticks of the whole machine (/proc/stat). */
export function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = line.reduce((a, b) => a + b, 0);
  const idle = (line[3] ?? 0) + (line[4] ?? 0);
  return { busy: total - idle, total };
}
/** A memory figure of /proc/<pid>/status, kB (`VmHWM`: peak RSS). */
export function procStatusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** CPU used since {@link cpuMeter} was called, in cores (CPU seconds per wall second; 1 = one core busy). */
export interface CpuCores {
  /** The process measured (this one unless another pid is given). */
  process: number;
  /** Every postgres / FerretDB process on the machine (shared services: other users' work counts too). */
  database: number;
  /** The whole machine, % of all cores. */
  busyPct: number;
}

/** Starts measuring CPU: call the result to read what was used since. */
export function cpuMeter(pid = process.pid): () => CpuCores {
  const t0 = performance.now();
  const [cpu0, db0, m0] = [processCpuSeconds(pid), databaseCpuTicks(), machineTicks()];
  return () => {
    const seconds = (performance.now() - t0) / 1000;
    const m = machineTicks();
    return {
      process: round((processCpuSeconds(pid) - cpu0) / seconds, 2),
      database: round(databaseCpuSince(db0) / seconds, 2),
      busyPct: round((100 * (m.busy - m0.busy)) / Math.max(1, m.total - m0.total), 0),
    };
  };
}

/** Prints a table: the first column left-aligned, the others right-aligned, each as wide as its widest cell. */
export function printTable(head: string[], rows: (string | number)[][]): void {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  for (const r of cells)
    console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
}

// ---------------------------------------------------------------------------------------------- projection

/**
 * The projection's lag of `tenant` on `/readyz`: statements not projected yet and the age of the oldest.
 * Rejects when `/readyz` has no figure for the tenant: its projection report gives up after 2 s (an error
 * instead of tenants), and a missing figure is not a lag of 0.
 */
export async function projectionLag(
  client: Client,
  tenant: string,
): Promise<{ statements: number; seconds: number }> {
  const r = await client.request('GET', '/readyz');
  const body = JSON.parse(r.body) as {
    projection?: { error?: string; tenants?: { tenantId: string; statements: number; seconds: number }[] };
  };
  const t = body.projection?.tenants?.find((x) => x.tenantId === tenant);
  if (!t)
    throw new Error(
      `/readyz has no projection lag for tenant ${tenant}: ${body.projection?.error ?? 'tenant not listed'}`,
    );
  return { statements: t.statements, seconds: t.seconds };
}

/** Whether the projection caught up: after how long, or why not (past the wait, or its lag not reported). */
export type CatchUp =
  | { caughtUp: true; seconds: number }
  | { caughtUp: false; reason: 'timeout' | 'lag unknown' };

/**
 * Waits until the tenant's projection lag is 0 (polled every 250 ms), up to `timeoutMs`; gives up sooner
 * when `/readyz` fails to report the lag 3 times in a row (a store too slow to count: no point waiting).
 */
export async function projectionCaughtUp(
  client: Client,
  tenant: string,
  timeoutMs: number,
): Promise<CatchUp> {
  const t0 = performance.now();
  let unknown = 0;
  while (performance.now() - t0 < timeoutMs) {
    const lag = await projectionLag(client, tenant).catch(() => undefined);
    if (lag?.statements === 0) return { caughtUp: true, seconds: (performance.now() - t0) / 1000 };
    unknown = lag ? 0 : unknown + 1;
    if (unknown >= 3) return { caughtUp: false, reason: 'lag unknown' };
    await new Promise((r) => setTimeout(r, 250));
  }
  return { caughtUp: false, reason: 'timeout' };
}

/** The largest projection lag seen while sampling (statements behind, age of the oldest in seconds). */
export interface LagSeen {
  maxStatements: number;
  maxSeconds: number;
  /** Statements behind at the last sample (taken when `stop()` is called). */
  lastStatements: number;
  samples: number;
  /** Samples `/readyz` answered without the tenant's lag (see {@link projectionLag}). */
  unknown: number;
}

/** Samples the tenant's projection lag every `everyMs` until the returned `stop()`, which gives the largest seen. */
export function sampleProjectionLag(client: Client, tenant: string, everyMs = 500): () => Promise<LagSeen> {
  const seen: LagSeen = { maxStatements: 0, maxSeconds: 0, lastStatements: 0, samples: 0, unknown: 0 };
  let inFlight: Promise<void> = Promise.resolve();
  const sample = () => {
    inFlight = projectionLag(client, tenant).then(
      (lag) => {
        seen.samples++;
        seen.lastStatements = lag.statements;
        seen.maxStatements = Math.max(seen.maxStatements, lag.statements);
        seen.maxSeconds = Math.max(seen.maxSeconds, round(lag.seconds, 2));
      },
      () => {
        seen.unknown++;
      },
    );
  };
  const timer = setInterval(sample, everyMs);
  return async () => {
    clearInterval(timer);
    // one last look at the end of the window: the lag is largest when the load stops
    await inFlight;
    sample();
    await inFlight;
    return seen;
  };
}
