import { readFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { type KairosProcess, runKairos, startKairos, tempDataDir } from './kairos-process.js';

/** One request the proxy saw on a statement path (`POST /xapi/statements` or `/xapi/beacon`). */
export interface ProxyAttempt {
  path: string;
  /** Ids of the statements in the body. */
  ids: string[];
  /** The status the page got (scripted or the server's). */
  status: number;
  scripted: boolean;
  /** `Date.now()` when the request arrived. */
  at: number;
}

/** A scripted answer to the next `POST /xapi/statements`. */
export interface ScriptedAnswer {
  /** 0 drops the connection (a network error for the page). */
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** A programmable HTTP proxy in front of Kairos: forwards everything except the answers it is told to give. */
export interface LrsProxy {
  /** `http://127.0.0.1:<port>`; the SDK endpoint is `${url}/xapi`. */
  url: string;
  /** Requests seen on `POST /xapi/statements` and `/xapi/beacon`, in arrival order. */
  attempts: ProxyAttempt[];
  /** Answers the next `POST /xapi/statements` requests with these, in order, instead of forwarding them. */
  script(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};
const closeServer = (server: Server) =>
  new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });

const idsOf = (body: string): string[] => {
  try {
    const parsed = JSON.parse(body);
    const list = Array.isArray(parsed) ? parsed : (parsed.statements ?? [parsed]);
    return list.map((s: { id?: string }) => s.id ?? '');
  } catch {
    return [];
  }
};

/** Starts the proxy in front of `target` (a Kairos base URL). */
export async function startLrsProxy(target: string): Promise<LrsProxy> {
  const attempts: ProxyAttempt[] = [];
  const planned: ScriptedAnswer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const body = Buffer.concat(chunks);
      const path = (req.url ?? '/').split('?')[0]!;
      const counted = req.method === 'POST' && (path === '/xapi/statements' || path === '/xapi/beacon');
      const answer = counted && path === '/xapi/statements' ? planned.shift() : undefined;
      if (answer) {
        attempts.push({ path, ids: idsOf(body.toString()), status: answer.status, scripted: true, at });
        if (!answer.status) {
          req.socket.destroy();
          return;
        }
        res
          .writeHead(answer.status, {
            'Access-Control-Allow-Origin': '*',
            'Access-Control-Expose-Headers': 'Retry-After',
            'Content-Type': 'application/json',
            ...answer.headers,
          })
          .end(JSON.stringify(answer.body ?? { code: 'scripted', message: `scripted ${answer.status}` }));
        return;
      }
      const u = new URL(target);
      const upstream = request(
        {
          host: u.hostname,
          port: u.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: u.host },
        },
        (up) => {
          if (counted)
            attempts.push({
              path,
              ids: idsOf(body.toString()),
              status: up.statusCode ?? 0,
              scripted: false,
              at,
            });
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      upstream.end(body);
    });
  });
  const url = await listen(server);
  return {
    url,
    attempts,
    script: (...answers) => void planned.push(...answers),
    close: () => closeServer(server),
  };
}

const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };

/** A static file server for `dir` (the test pages), on its own origin. */
export async function startStaticServer(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const file = join(
      dir,
      normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!)).replace(/^(\.\.[/\\])+/, ''),
    );
    try {
      const data = await readFile(file);
      res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' }).end(data);
    } catch {
      res.writeHead(404).end();
    }
  });
  // Served as localhost, while the proxy is 127.0.0.1: the page and the LRS are different origins (CORS).
  const url = (await listen(server)).replace('127.0.0.1', 'localhost');
  return { url, close: () => closeServer(server) };
}

/** An xAPI agent identified by an account, as the SDK should be configured. */
export interface AccountAgent {
  objectType: 'Agent';
  account: { homePage: string; name: string };
}

/** What the tests read of a stored statement. */
export interface StoredStatement {
  id: string;
  verb: { id: string };
  result?: { duration?: string; extensions?: Record<string, unknown> };
}

/** A running Kairos with an API key: mints learner tokens and reads what the server stored. */
export interface SdkLrs {
  kairos: KairosProcess;
  /** `Authorization` header of the API key. */
  auth: string;
  /** Mints a learner token for `actor` through `POST /api/v1/tokens`. */
  learnerToken(actor: AccountAgent): Promise<string>;
  /** Every statement stored about `actor` (all pages), oldest first. */
  stored(actor: AccountAgent): Promise<StoredStatement[]>;
  stop(): Promise<void>;
}

/** Starts `kairos serve` on a temporary embedded store and creates an API key with the CLI. */
export async function startSdkLrs(): Promise<SdkLrs> {
  const env = { KAIROS_DATA_DIR: tempDataDir() };
  const kairos = await startKairos(env);
  const created = await runKairos(['keys', 'create', '--name', 'e2e', '--scopes', 'all', '--json'], env);
  if (created.code !== 0) throw new Error(`kairos keys create failed:\n${created.stderr}`);
  const key = JSON.parse(created.stdout) as { key: string; secret: string };
  const auth = `Basic ${Buffer.from(`${key.key}:${key.secret}`).toString('base64')}`;
  return {
    kairos,
    auth,
    async learnerToken(actor) {
      const res = await fetch(`${kairos.url}/api/v1/tokens`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'learner', actor, ttl: 600 }),
      });
      if (res.status !== 201) throw new Error(`POST /api/v1/tokens → ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    },
    async stored(actor) {
      const all: StoredStatement[] = [];
      let next = `/xapi/statements?ascending=true&limit=500&agent=${encodeURIComponent(JSON.stringify(actor))}`;
      while (next) {
        const res = await fetch(`${kairos.url}${next}`, {
          headers: { authorization: auth, 'x-experience-api-version': '2.0.0' },
        });
        if (res.status !== 200) throw new Error(`GET ${next} → ${res.status}: ${await res.text()}`);
        const page = (await res.json()) as { statements: StoredStatement[]; more: string };
        all.push(...page.statements);
        next = page.more;
      }
      return all;
    },
    stop: async () => void (await kairos.stop()),
  };
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes (then returns the last value). */
export async function eventually<T>(
  check: () => Promise<T> | T,
  timeoutMs = 10_000,
  everyMs = 100,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v || Date.now() >= end) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
