import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Store servers a fault test may stop, kill and restart: each a private instance with its own data directory
// and port, never the machine's shared PostgreSQL, Redis or FerretDB. And a TCP proxy that can freeze, to
// play a store that accepts connections and never answers.

/** A store server the test owns. */
export interface PrivateService {
  /** The URL Kairos is given (through the service's own port). */
  url: string;
  port: number;
  /** Starts it again after {@link stop} (same data, same port) and resolves once it answers. */
  start(): Promise<void>;
  /** Stops it abruptly (SIGKILL, or PostgreSQL's immediate shutdown: no checkpoint, WAL replayed at start). */
  stop(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** Resolves once something accepts TCP connections on `port` (rejects after `timeoutMs`). */
export async function waitForPort(port: number, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

/** Stops `child` with `kill` and waits for its exit; nothing when it is not running. */
async function stopChild(child: ChildProcess | undefined, kill: (c: ChildProcess) => void): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  kill(child);
  await exited;
}

/** A server run as `command args`, ready once it listens on `port`, stopped with SIGKILL. */
function serverProcess(command: string, args: string[], port: number) {
  let child: ChildProcess | undefined;
  return {
    async start() {
      child = spawn(command, args, { stdio: 'ignore' });
      await waitForPort(port);
    },
    stop: () => stopChild(child, (c) => c.kill('SIGKILL')),
  };
}

const PG_BIN = (() => {
  const base = '/usr/lib/postgresql';
  const version = existsSync(base)
    ? execFileSync('ls', [base]).toString().trim().split('\n').sort().pop()
    : undefined;
  return version ? join(base, version, 'bin') : '';
})();

/** Runs a PostgreSQL binary as the `postgres` user when we are root (PostgreSQL refuses to run as root). */
function asPostgres(bin: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

/**
 * A private PostgreSQL cluster (initdb in a temporary directory, trust auth, its own port), database
 * `kairos`. Needs the server binaries (`/usr/lib/postgresql/<v>/bin`).
 */
export async function privatePostgres(): Promise<PrivateService> {
  if (!PG_BIN) throw new Error('no PostgreSQL server binaries in /usr/lib/postgresql/<version>/bin');
  const dir = mkdtempSync(join(tmpdir(), 'kairos-fault-pg-'));
  chmodSync(dir, 0o700);
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const [initdb, initArgs] = asPostgres(join(PG_BIN, 'initdb'), [
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    'postgres',
    '--no-sync',
  ]);
  execFileSync(initdb, initArgs, { stdio: 'ignore' });
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const [bin, args] = asPostgres(join(PG_BIN, 'postgres'), [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'shared_buffers=32MB',
    ]);
    child = spawn(bin, args, { stdio: 'ignore' });
    await waitForPort(port);
    // the port opens before recovery ends: wait until it accepts queries
    const until = Date.now() + 30_000;
    for (;;) {
      try {
        execFileSync('psql', [`postgres://postgres@127.0.0.1:${port}/postgres`, '-XAtqc', 'select 1'], {
          stdio: 'ignore',
        });
        break;
      } catch (error) {
        if (Date.now() > until) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };
  // SIGQUIT to the postmaster (not to runuser) is PostgreSQL's immediate shutdown: connections cut,
  // no checkpoint
  const stop = () =>
    stopChild(child, () =>
      process.kill(Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]), 'SIGQUIT'),
    );
  await start();
  execFileSync(
    'psql',
    [`postgres://postgres@127.0.0.1:${port}/postgres`, '-XAtqc', 'create database kairos'],
    {
      stdio: 'ignore',
    },
  );
  return {
    url: `postgres://postgres@127.0.0.1:${port}/kairos`,
    port,
    start,
    stop,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A private Redis (no persistence: Kairos keeps only caches, counters and pub/sub there). */
export async function privateRedis(): Promise<PrivateService> {
  const dir = mkdtempSync(join(tmpdir(), 'kairos-fault-redis-'));
  const port = await freePort();
  const { start, stop } = serverProcess(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    port,
  );
  await start();
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    start,
    stop,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const FERRETDB = fileURLToPath(new URL('../services/ferretdb/bin/ferretdb-kairos', import.meta.url));

/**
 * A private FerretDB (its own process and port) on a database of its own in `postgresUrl`'s server — the
 * process is what the test stops and kills. `bash test/services/up` builds the binary.
 */
export async function privateFerretdb(postgresUrl: string): Promise<PrivateService> {
  if (!existsSync(FERRETDB)) throw new Error(`${FERRETDB} is missing: run bash test/services/up`);
  const port = await freePort();
  const { start, stop } = serverProcess(
    FERRETDB,
    ['-listen-addr', `127.0.0.1:${port}`, '-handler', 'postgresql', '-postgresql-url', postgresUrl],
    port,
  );
  await start();
  return {
    url: `mongodb://127.0.0.1:${port}/kairos`,
    port,
    start,
    stop,
    destroy: stop,
  };
}

/**
 * A TCP proxy to `targetPort`. Frozen, it plays a store that hangs: it accepts connections and never
 * answers — bytes are neither forwarded nor answered, and sockets stay open. Thawed, connections opened
 * while frozen are cut and new ones pass again.
 */
export async function freezableProxy(targetPort: number) {
  const port = await freePort();
  let frozen = false;
  const held = new Set<net.Socket>();
  const server = net.createServer((client) => {
    client.on('error', () => {});
    if (frozen) {
      held.add(client);
      client.on('close', () => held.delete(client));
      return;
    }
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    // while frozen, established connections stop forwarding (bytes are swallowed)
    client.on('data', (d) => {
      if (!frozen) upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (!frozen) client.write(d);
    });
    held.add(client);
    client.on('close', () => held.delete(client));
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    port,
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
      for (const s of held) s.destroy();
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of held) s.destroy();
        server.close(() => r());
      }),
  };
}
