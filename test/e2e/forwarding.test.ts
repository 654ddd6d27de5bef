import { randomUUID } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KairosProcess, runKairos, startKairos, tempDataDir } from '../support/kairos-process.js';

// Statement forwarding, end to end: a Kairos server (downstream) forwards to a second Kairos server acting
// as the institutional LRS (upstream), through a proxy that can lose the upstream's answers. The upstream is
// killed mid-load and restarted; every statement must arrive exactly once, and a verb filter must hold.

const VERSION = { 'X-Experience-API-Version': '1.0.3' };
const COMPLETED = 'http://adlnet.gov/expapi/verbs/completed';
const ANSWERED = 'http://adlnet.gov/expapi/verbs/answered';
const basic = (k: { key: string; secret: string }) =>
  `Basic ${Buffer.from(`${k.key}:${k.secret}`).toString('base64')}`;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** A proxy to `target` that, while `dropNext` > 0, forwards a POST and then cuts the connection before the answer. */
function lossyProxy(target: () => number) {
  const state = { dropNext: 0, dropped: 0, posts: 0 };
  const server: Server = createServer((req, res) => {
    if (req.method === 'POST') state.posts++;
    const drop = req.method === 'POST' && state.dropNext > 0;
    if (drop) state.dropNext--;
    const up = request(
      { host: '127.0.0.1', port: target(), path: req.url, method: req.method, headers: req.headers },
      (upRes) => {
        if (drop) {
          state.dropped++;
          upRes.resume();
          upRes.on('end', () => res.socket?.destroy());
          return;
        }
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', () => res.socket?.destroy());
    req.pipe(up);
  });
  return { server, state };
}

const COURSE = 'https://course.example/forwarded';
const statement = (i: number) => ({
  id: randomUUID(),
  actor: { account: { homePage: 'https://lms.example', name: `learner-${i % 7}` } },
  verb: { id: i % 5 === 0 ? COMPLETED : ANSWERED },
  object: { id: `https://course.example/activity-${i % 11}` },
  context: { contextActivities: { grouping: [{ id: COURSE }] } },
  timestamp: new Date(Date.now() - (1000 - i) * 1000).toISOString(),
});

describe('statement forwarding to a second Kairos acting as the institutional LRS', () => {
  const upDir = tempDataDir();
  const downDir = tempDataDir();
  let upPort: number;
  let upstream: KairosProcess;
  let downstream: KairosProcess;
  let proxy: ReturnType<typeof lossyProxy>;
  let proxyUrl: string;
  let upKey: { key: string; secret: string };
  let filteredKey: { key: string; secret: string };
  let downKey: { key: string; secret: string };
  const sent: ReturnType<typeof statement>[] = [];

  const keyOf = async (dir: string, tenant: string, scopes: string[]) => {
    const r = await runKairos(
      ['keys', 'create', '--name', 'forwarding', '--tenant', tenant, '--scopes', ...scopes, '--json'],
      { KAIROS_DATA_DIR: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { key: string; secret: string };
  };
  const startUpstream = () =>
    startKairos({ KAIROS_DATA_DIR: upDir }, 60_000, ['--port', String(upPort), '--host', '127.0.0.1']);
  const send = async (from: number, n: number) => {
    const batch = Array.from({ length: n }, (_, j) => statement(from + j));
    const res = await fetch(`${downstream.url}/xapi/statements`, {
      method: 'POST',
      headers: { ...VERSION, authorization: basic(downKey), 'content-type': 'application/json' },
      body: JSON.stringify(batch),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    sent.push(...batch);
  };
  const forwarders = async () =>
    (
      (await (
        await fetch(`${downstream.url}/api/v1/forwarders`, { headers: { authorization: basic(downKey) } })
      ).json()) as {
        forwarders: { id: string; status: string; pending: number; forwarded: number; lastError?: string }[];
      }
    ).forwarders;
  /** Every statement id the upstream stored for a key's tenant, following `more`. */
  const upstreamIds = async (key: { key: string; secret: string }) => {
    const ids: string[] = [];
    let path = '/xapi/statements?limit=250';
    while (path) {
      const res = await fetch(`http://127.0.0.1:${upPort}${path}`, {
        headers: { ...VERSION, authorization: basic(key) },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { statements: { id: string }[]; more?: string };
      ids.push(...body.statements.map((s) => s.id));
      path = body.more ?? '';
    }
    return ids;
  };

  beforeAll(async () => {
    upPort = await freePort();
    upstream = await startUpstream();
    upKey = await keyOf(upDir, 'default', ['statements/write', 'statements/read']);
    filteredKey = await keyOf(upDir, 'filtered', ['statements/write', 'statements/read']);
    proxy = lossyProxy(() => upPort);
    await new Promise<void>((r) => proxy.server.listen(0, '127.0.0.1', r));
    proxyUrl = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
    downstream = await startKairos({ KAIROS_DATA_DIR: downDir });
    downKey = await keyOf(downDir, 'default', ['all']);
  }, 120_000);
  afterAll(async () => {
    await downstream?.stop();
    await upstream?.stop();
    proxy?.server.close();
  });

  it('is configured by the CLI and the API, which refuses keys without the all scope', async () => {
    const cli = await runKairos(
      ['forward', 'add', '--endpoint', `${proxyUrl}/xapi/`, '--username', upKey.key, '--json'],
      { KAIROS_DATA_DIR: downDir, KAIROS_FORWARD_PASSWORD: upKey.secret },
    );
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).not.toContain(upKey.secret);
    const narrow = await keyOf(downDir, 'default', ['statements/write']);
    const refused = await fetch(`${downstream.url}/api/v1/forwarders`, {
      headers: { authorization: basic(narrow) },
    });
    expect(refused.status).toBe(403);
    const bad = await fetch(`${downstream.url}/api/v1/forwarders`, {
      method: 'POST',
      headers: { authorization: basic(downKey), 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint: 'not a url', username: 'x', password: 'y' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('invalid_forwarder');
    const created = await fetch(`${downstream.url}/api/v1/forwarders`, {
      method: 'POST',
      headers: { authorization: basic(downKey), 'content-type': 'application/json' },
      body: JSON.stringify({
        endpoint: `${proxyUrl}/xapi/`,
        username: filteredKey.key,
        password: filteredKey.secret,
        verbs: [COMPLETED],
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    expect(JSON.stringify(await created.json())).not.toContain(filteredKey.secret);
    const list = await runKairos(['forward', 'list'], { KAIROS_DATA_DIR: downDir });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout.trim().split('\n')).toHaveLength(2);
    expect(list.stdout).toContain(`verb ${COMPLETED}`);
  }, 60_000);

  it('delivers every statement exactly once across lost answers and an upstream outage, the filter holding', async () => {
    // two posts whose answers are lost after the upstream stored them: they are posted again
    proxy.state.dropNext = 2;
    for (let i = 0; i < 200; i += 50) await send(i, 50);
    await expect
      .poll(async () => (await forwarders()).every((f) => f.pending === 0), { timeout: 30_000 })
      .toBe(true);
    expect(proxy.state.dropped).toBe(2);

    // the upstream goes down mid-load
    upstream.child.kill('SIGKILL');
    await new Promise((r) => upstream.child.once('exit', r));
    for (let i = 200; i < 400; i += 50) await send(i, 50);
    await expect
      .poll(async () => (await forwarders()).some((f) => f.status === 'failing' && f.pending > 0), {
        timeout: 20_000,
      })
      .toBe(true);
    const metrics = await (await fetch(`${downstream.url}/metrics`)).text();
    expect(metrics).toMatch(/kairos_forward_failing\{[^}]*\} 1/);
    expect(metrics).toMatch(/kairos_forward_pending_statements\{[^}]*\} [1-9]/);
    const failing = await runKairos(['forward', 'list'], { KAIROS_DATA_DIR: downDir });
    expect(failing.stdout).toContain('FAILING since');

    // back up on the same address and data: the operator's retry skips the backoff
    upstream = await startUpstream();
    for (const f of await forwarders()) {
      const r = await fetch(`${downstream.url}/api/v1/forwarders/${f.id}/retry`, {
        method: 'POST',
        headers: { authorization: basic(downKey) },
      });
      expect(r.status).toBe(202);
    }
    await expect
      .poll(async () => (await forwarders()).every((f) => f.pending === 0 && f.status === 'ok'), {
        timeout: 60_000,
      })
      .toBe(true);

    const all = await upstreamIds(upKey);
    expect(all).toHaveLength(400);
    expect(new Set(all)).toEqual(new Set(sent.map((s) => s.id)));
    const completed = await upstreamIds(filteredKey);
    const expected = sent.filter((s) => s.verb.id === COMPLETED).map((s) => s.id);
    expect(expected).toHaveLength(80);
    expect(completed).toHaveLength(80);
    expect(new Set(completed)).toEqual(new Set(expected));
    const [first, second] = await forwarders();
    expect(first!.forwarded).toBeGreaterThanOrEqual(400);
    expect(second!.forwarded).toBeGreaterThanOrEqual(80);
    // the statement as sent, with its id and timestamp
    const one = sent[123]!;
    const got = (await (
      await fetch(`http://127.0.0.1:${upPort}/xapi/statements?statementId=${one.id}`, {
        headers: { ...VERSION, authorization: basic(upKey) },
      })
    ).json()) as { id: string; timestamp: string; verb: { id: string } };
    expect(got).toMatchObject({ id: one.id, timestamp: one.timestamp, verb: one.verb });
  }, 150_000);

  it('kairos forward remove stops a forwarder', async () => {
    const [, filtered] = await forwarders();
    const r = await runKairos(['forward', 'remove', filtered!.id], { KAIROS_DATA_DIR: downDir });
    expect(r.code, r.stderr).toBe(0);
    expect((await forwarders()).map((f) => f.id)).not.toContain(filtered!.id);
  });
});
