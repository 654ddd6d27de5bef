import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import { exportJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../lti-platform/index.js';
import {
  addKairosTool,
  bootstrapOf,
  formOf,
  launchOverHttp,
  platformAddArgs,
} from '../lti-platform/kairos.js';
import {
  type KairosProcess,
  kairosBin,
  runKairos,
  startKairos,
  tempDataDir,
} from '../support/kairos-process.js';
import { freshPostgresSchema, serviceUrl } from '../support/services.js';
import { findLeaks, type Secret } from './secrets/leaks.js';

/*
 * Secrets, tokens and keys never reach a log (issue 12). `kairos serve` runs at LOG_LEVEL=trace, the most
 * verbose level there is, and goes through flows that carry every kind of secret: API key secrets (good
 * and bad), learner and instructor tokens (minted by the API and by launches, in headers, query strings and
 * bodies), an LTI launch (id_token, state, nonce, the state cookie) with the platform's keys and the access
 * tokens it issues, dynamic registration (the operator's registration token, the LMS's), a forwarder
 * password (CLI and API, and a downstream LRS that refuses it), KAIROS_SECRET, a REDIS_URL and a
 * DATABASE_URL with passwords, and error paths: 400s, 401s, a Redis that goes away, a database that
 * cannot be opened. Then every line the processes wrote is searched for each secret in every form it
 * could take (as is, base64, base64url, URL- and form-encoded, JSON-escaped, a JWT's signature alone).
 */

const secrets: Secret[] = [];
const keep = (name: string, value: string | undefined) => {
  if (value) secrets.push({ name, value });
  return value ?? '';
};
const outputs: Record<string, string> = {};
const PUBLIC_HOME = 'https://lms.example';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

/** A private Redis with a password (never the machine's shared one: this test stops it). */
async function privateRedis(password: string) {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--requirepass',
        password,
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 50; i++) {
      const listening = await new Promise<boolean>((resolve) => {
        const s = createNetServer();
        s.once('error', () => resolve(true));
        s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
      });
      if (listening) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`redis-server did not start on port ${port}`);
  };
  await start();
  return {
    url: `redis://:${password}@127.0.0.1:${port}/0`,
    /** Kills it and waits until it is gone (so that `start` can take the port again). */
    stop: async () => {
      const c = child;
      if (!c || c.exitCode !== null) return;
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await gone;
    },
    start,
  };
}

/**
 * Starts `kairos serve` on stores that cannot be opened and gives it 8 s to fail (or to start and log its
 * store errors), then stops it: what it printed is what a log would hold.
 */
function serveBriefly(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [kairosBin, 'serve', '--port', '0', '--host', '127.0.0.1'], {
      env: { ...process.env, MONGODB_URL: undefined, REDIS_URL: undefined, KAIROS_DEMO: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 8_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The access tokens the platform issues and the client assertions Kairos signs to get them. */
function spyOnTokenEndpoint(lms: TestPlatform): void {
  const spy = (req: Request, res: Response, next: NextFunction) => {
    if (req.path === '/token') {
      keep('client_assertion Kairos signed', (req.body as { client_assertion?: string })?.client_assertion);
      const json = res.json.bind(res);
      res.json = (body: { access_token?: string }) => {
        keep('LMS access token', body?.access_token);
        return json(body);
      };
    }
    next();
  };
  lms.app.use(spy);
  // after the body parsers, before the routes
  const stack = (lms.app as unknown as { router: { stack: unknown[] } }).router.stack;
  stack.splice(2, 0, stack.pop());
}

describe('no secret reaches a log', () => {
  let kairos: KairosProcess;
  let lms: TestPlatform;
  let redis: Awaited<ReturnType<typeof privateRedis>>;
  let sink: ReturnType<typeof createServer>;
  const sinkAuth: string[] = [];
  const dataDir = tempDataDir();
  const json = (body: unknown) => JSON.stringify(body);
  let url = '';
  let env: Record<string, string> = {};

  const call = async (path: string, init: RequestInit & { auth?: string } = {}) => {
    const res = await fetch(`${url}${path}`, {
      ...init,
      redirect: 'manual',
      headers: {
        'x-experience-api-version': '2.0.0',
        ...(init.auth ? { authorization: init.auth } : {}),
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
    });
    return { status: res.status, text: await res.text(), headers: res.headers };
  };

  beforeAll(async () => {
    redis = await privateRedis(keep('Redis password', `redis-pw-${randomBytes(12).toString('hex')}`));
    keep('REDIS_URL', redis.url);
    // a downstream LRS that refuses the forwarder's credentials
    sink = createServer((req, res) => {
      sinkAuth.push(req.headers.authorization ?? '');
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"bad credentials"}');
    }).listen(0, '127.0.0.1');
    await new Promise((r) => sink.once('listening', r));
    lms = await createTestPlatform();
    await lms.start();
    spyOnTokenEndpoint(lms);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = {
      KAIROS_DATA_DIR: dataDir,
      KAIROS_PUBLIC_URL: url,
      LOG_LEVEL: 'trace',
      KAIROS_SECRET: keep('KAIROS_SECRET', randomBytes(32).toString('hex')),
      REDIS_URL: redis.url,
      KAIROS_REGISTRATION: 'token',
      KAIROS_REGISTRATION_TOKEN: keep(
        'registration token (operator)',
        `reg-${randomBytes(16).toString('hex')}`,
      ),
    };
    kairos = await startKairos(env, 90_000, ['--port', String(port), '--host', '127.0.0.1']);
  }, 120_000);

  afterAll(async () => {
    // a server that does not stop on SIGTERM within 20 s is killed (the test has failed already then)
    const stopped = kairos?.stop();
    const late = setTimeout(() => kairos?.child.kill('SIGKILL'), 20_000);
    await stopped;
    clearTimeout(late);
    await redis?.stop();
    sink?.close();
    await lms?.close();
  });

  /** Runs a CLI command against the server's data; its stderr is a log, and so is stdout unless `mints`. */
  const cli = async (name: string, args: string[], extra: Record<string, string> = {}, mints = false) => {
    const r = await runKairos(args, { ...env, ...extra });
    outputs[`${name} (stderr)`] = r.stderr;
    if (!mints) outputs[`${name} (stdout)`] = r.stdout;
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  };

  it('goes through every flow that carries a secret', async () => {
    const t0 = Date.now();
    const stage = (name: string) => console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${name}`);
    // API keys: created by the CLI (its stdout is the key, by design), used right and wrong
    const created = JSON.parse(
      await cli('keys create', ['keys', 'create', '--name', 'site', '--scopes', 'all', '--json'], {}, true),
    ) as { key: string; secret: string };
    keep('API key secret', created.secret);
    const basic = keep(
      'Basic credentials',
      `Basic ${Buffer.from(`${created.key}:${created.secret}`).toString('base64')}`,
    );
    keep('key:secret', `${created.key}:${created.secret}`);
    const wrong = keep('wrong key secret', `wrong-${randomBytes(16).toString('hex')}`);
    const agent = { objectType: 'Agent', account: { homePage: PUBLIC_HOME, name: 'alice' } };
    const statement = () => ({
      id: randomUUID(),
      actor: agent,
      verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
      object: { id: 'https://site.example/courses/c1/q1' },
      context: { contextActivities: { grouping: [{ id: 'https://site.example/courses/c1' }] } },
    });
    expect(
      (
        await call('/xapi/statements', {
          method: 'POST',
          auth: basic,
          body: json([statement(), statement()]),
        })
      ).status,
    ).toBe(200);
    expect((await call('/xapi/statements?limit=1', { auth: basic })).status).toBe(200);
    expect(
      (
        await call('/xapi/statements', {
          auth: `Basic ${Buffer.from(`${created.key}:${wrong}`).toString('base64')}`,
        })
      ).status,
    ).toBe(401);
    expect((await call('/xapi/statements', { auth: `Basic ${created.secret}` })).status).toBe(401);
    expect((await call('/api/v1/courses', { auth: `Bearer ${created.secret}` })).status).toBe(401);

    stage('// tokens minted by the API');
    // tokens minted by the API, used in headers, in the query string, in the beacon's body
    const mint = async (body: unknown) => {
      const r = await call('/api/v1/tokens', { method: 'POST', auth: basic, body: json(body) });
      expect(r.status, r.text).toBe(201);
      return keep(
        `minted token (${(body as { role: string }).role})`,
        (JSON.parse(r.text) as { token: string }).token,
      );
    };
    const learner = await mint({ role: 'learner', actor: agent });
    const instructor = await mint({ role: 'instructor', contextId: 'https://site.example/courses/c1' });
    expect(
      (await call('/xapi/statements', { method: 'POST', auth: `Bearer ${learner}`, body: json(statement()) }))
        .status,
    ).toBe(200);
    expect((await call('/api/v1/courses', { auth: `Bearer ${instructor}` })).status).toBe(200);
    const beacon = await fetch(`${url}/xapi/beacon`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: json({ token: learner, version: '2.0.0', statements: [statement()] }),
    });
    expect(beacon.status).toBe(204);
    const live = new AbortController();
    const feed = await fetch(
      `${url}/api/v1/courses/${encodeURIComponent('https://site.example/courses/c1')}/events?access_token=${instructor}`,
      { signal: live.signal },
    );
    expect(feed.status).toBe(200);
    live.abort();
    // error paths carrying a token: a tampered one, one in a parameter the LRS does not know, one in a bad body
    const [h, p, sig] = learner.split('.');
    expect(
      (await call('/xapi/statements', { auth: `Bearer ${h}.${p}.${sig!.slice(0, -4)}AAAA` })).status,
    ).toBe(401);
    expect(
      (await call(`/xapi/statements?token=${learner}&access_token=${instructor}`, { auth: basic })).status,
    ).toBe(400);
    expect(
      (
        await call('/xapi/statements', {
          method: 'POST',
          auth: basic,
          body: `{"token":"${learner}", "secret":"${created.secret}"`,
        })
      ).status,
    ).toBe(400);
    // a token where no token belongs, and one inside an encoded URL: both recognisable, both redacted
    const mbox = encodeURIComponent(json({ mbox: `mailto:${learner}` }));
    expect((await call(`/xapi/agents?agent=${mbox}`, { auth: `Bearer ${learner}` })).status).toBe(400);
    const back = encodeURIComponent(
      `https://site.example/back?token=${created.secret}&access_token=${instructor}`,
    );
    expect((await call(`/xapi/activities?activityId=${back}`, { auth: basic })).status).toBeLessThan(500);

    stage('// LTI: the platform registere');
    // LTI: the platform registered by the CLI, then launches (id_token, state, nonce, state cookie, tokens)
    const tool = addKairosTool(lms, url);
    await cli('platform add', platformAddArgs(lms, tool, [tool.deploymentIds[0]!]));
    const jwk = await exportJWK(lms.key.privateKey);
    for (const part of ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const)
      keep(`platform private key (${part})`, jwk[part]);
    const learnerLaunch = await launchOverHttp(
      lms.loginUrl({
        user: lms.users.learner,
        course: lms.course,
        resourceLink: { id: 'rl-1', title: 'Quiz' },
      }),
    );
    expect(learnerLaunch.status, learnerLaunch.html.slice(0, 300)).toBe(200);
    keep('id_token (learner launch)', learnerLaunch.posted.id_token);
    keep('state (learner launch)', learnerLaunch.posted.state);
    keep('state cookie (learner launch)', learnerLaunch.cookie?.split('=')[1]);
    keep('launch token (learner page)', bootstrapOf(learnerLaunch.html).token);
    const teacherLaunch = await launchOverHttp(
      lms.loginUrl({ user: lms.users.instructor, course: lms.course, resourceLink: { id: 'rl-1' } }),
    );
    expect(teacherLaunch.status).toBe(200);
    keep('id_token (instructor launch)', teacherLaunch.posted.id_token);
    keep('state (instructor launch)', teacherLaunch.posted.state);
    const handoff = formOf(teacherLaunch.html);
    keep('launch token (instructor dashboard)', handoff.fields.token);
    const dashboard = await fetch(handoff.action, {
      method: 'POST',
      body: new URLSearchParams(handoff.fields),
    });
    expect(dashboard.status).toBe(200);
    // a replayed launch and a forged login: refused, with the tokens in the request
    expect(
      (await fetch(`${url}/lti/launch`, { method: 'POST', body: new URLSearchParams(learnerLaunch.posted) }))
        .status,
    ).toBe(400);
    expect(
      (
        await fetch(
          `${url}/lti/login?iss=${lms.issuer}&login_hint=${learner}&target_link_uri=${url}/lti/launch&lti_message_hint=${instructor}`,
          { redirect: 'manual' },
        )
      ).status,
    ).toBe(302);

    stage('// dynamic registration:');
    // dynamic registration: the operator's token and the LMS's registration token in the URL
    const reg = new URL(lms.registrationUrl(`${url}/lti/register`));
    keep('registration token (LMS)', reg.searchParams.get('registration_token')!);
    reg.searchParams.set('token', env.KAIROS_REGISTRATION_TOKEN!);
    expect((await fetch(reg)).status).toBe(200);
    expect((await fetch(`${url}/lti/register?token=${wrong}&openid_configuration=x`)).status).toBe(403);

    stage('// forwarders: the password');
    // forwarders: the password by the CLI (flag and variable), by the API, then refused downstream
    const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/xapi/`;
    const flagPassword = keep('forwarder password (flag)', `fwd-flag-${randomBytes(12).toString('hex')}`);
    await cli('forward add (flag)', [
      'forward',
      'add',
      '--endpoint',
      sinkUrl,
      '--username',
      'down-key',
      '--password',
      flagPassword,
    ]);
    await cli('forward add (env)', ['forward', 'add', '--endpoint', sinkUrl, '--username', 'down-key-2'], {
      KAIROS_FORWARD_PASSWORD: keep(
        'forwarder password (KAIROS_FORWARD_PASSWORD)',
        `fwd-env-${randomBytes(12).toString('hex')}`,
      ),
    });
    const apiPassword = keep('forwarder password (API)', `fwd-api-${randomBytes(12).toString('hex')}`);
    expect(
      (
        await call('/api/v1/forwarders', {
          method: 'POST',
          auth: basic,
          body: json({ endpoint: sinkUrl, username: 'down-key-3', password: apiPassword }),
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await call('/api/v1/forwarders', {
          method: 'POST',
          auth: basic,
          body: json({ endpoint: 'not a url', username: 'x', password: apiPassword }),
        })
      ).status,
    ).toBe(400);
    for (let i = 0; i < 100 && sinkAuth.length < 3; i++) await new Promise((r) => setTimeout(r, 100));
    expect(sinkAuth.length).toBeGreaterThanOrEqual(3);
    await cli('forward list', ['forward', 'list']);

    stage('// the Redis goes away');
    // the Redis goes away: requests fail, the cache client logs its errors
    await redis.stop();
    await new Promise((r) => setTimeout(r, 500));
    await call('/api/v1/courses', { auth: basic });
    await call('/xapi/statements?limit=1', { auth: `Bearer ${learner}` });
    await new Promise((r) => setTimeout(r, 1500));
    // back before the server stops: with its Redis gone, `kairos serve` does not exit on SIGTERM (reported)
    await redis.start();
    await new Promise((r) => setTimeout(r, 1000));

    stage('stop');
    expect(await kairos.stop()).not.toBeNull();
    outputs['kairos serve (stdout)'] = kairos.stdout();
    outputs['kairos serve (stderr)'] = kairos.stderr();
    // any log file the server may have written beside its data
    for (const f of readdirSync(dataDir, { recursive: true, encoding: 'utf8' }))
      if (f.endsWith('.log')) outputs[`${dataDir}/${f}`] = readFileSync(join(dataDir, f), 'utf8');
    // the server did log at trace level (access lines with statuses), so the search below means something
    expect(outputs['kairos serve (stdout)']).toMatch(/"status":401/);
    expect(outputs['kairos serve (stdout)']).toMatch(/"url":"\/lti\/register\?/);
    expect(secrets.some((s) => s.name === 'LMS access token')).toBe(true);
  }, 180_000);

  it('with a DATABASE_URL holding a password, and stores that cannot be opened', async () => {
    const base = await serviceUrl('postgres');
    if (!base) throw new Error('PostgreSQL is not reachable (bash test/services/up)');
    const schema = await freshPostgresSchema(base);
    try {
      const pg = new URL(schema.url);
      // local PostgreSQL trusts its clients: the password is sent and ignored, as a real one would be checked
      pg.password = keep('PostgreSQL password', `pg-pw-${randomBytes(12).toString('hex')}`);
      keep('DATABASE_URL', pg.toString());
      const secret = keep('KAIROS_SECRET (PostgreSQL run)', randomBytes(32).toString('hex'));
      const pgEnv = { DATABASE_URL: pg.toString(), KAIROS_SECRET: secret, LOG_LEVEL: 'trace' };
      const server = await startKairos(pgEnv, 90_000);
      const created = await runKairos(['keys', 'create', '--name', 'pg', '--scopes', 'all', '--json'], pgEnv);
      outputs['keys create on PostgreSQL (stderr)'] = created.stderr;
      const key = JSON.parse(created.stdout) as { key: string; secret: string };
      keep('API key secret (PostgreSQL run)', key.secret);
      const auth = `Basic ${Buffer.from(`${key.key}:${key.secret}`).toString('base64')}`;
      const res = await fetch(`${server.url}/xapi/statements?limit=1`, {
        headers: { authorization: auth, 'x-experience-api-version': '2.0.0' },
      });
      expect(res.status).toBe(200);
      const fwd = keep('forwarder password (PostgreSQL run)', `fwd-pg-${randomBytes(12).toString('hex')}`);
      const added = await runKairos(
        ['forward', 'add', '--endpoint', 'http://127.0.0.1:9/xapi/', '--username', 'u', '--password', fwd],
        pgEnv,
      );
      outputs['forward add on PostgreSQL (stdout)'] = added.stdout;
      outputs['forward add on PostgreSQL (stderr)'] = added.stderr;
      // its exit code is not checked: on PostgreSQL it fails for want of the secret although KAIROS_SECRET
      // is set (cli/forward.ts asks withAdmin for no secret); what it prints still must not hold the password
      await server.stop();
      outputs['kairos serve on PostgreSQL (stdout)'] = server.stdout();
      outputs['kairos serve on PostgreSQL (stderr)'] = server.stderr();

      // a database that does not exist, a Redis that refuses the password: startup fails, and says why
      const missing = new URL(pg);
      missing.pathname = `/kairos_missing_${randomBytes(4).toString('hex')}`;
      const noDb = await serveBriefly({ ...pgEnv, DATABASE_URL: missing.toString() });
      outputs['serve, missing database (stdout)'] = noDb.stdout;
      outputs['serve, missing database (stderr)'] = noDb.stderr;
      expect(noDb.stdout + noDb.stderr).toMatch(/kairos_missing|does not exist/i);
      const other = await privateRedis(`other-${randomBytes(8).toString('hex')}`);
      try {
        const wrongRedis = `redis://:${keep('wrong Redis password', `wrong-redis-${randomBytes(12).toString('hex')}`)}@${new URL(other.url).host}/0`;
        const noRedis = await serveBriefly({ ...pgEnv, REDIS_URL: wrongRedis });
        outputs['serve, Redis refuses the password (stdout)'] = noRedis.stdout;
        outputs['serve, Redis refuses the password (stderr)'] = noRedis.stderr;
        expect(noRedis.stdout + noRedis.stderr).toMatch(/Redis/);
      } finally {
        await other.stop();
      }
    } finally {
      await schema.drop();
    }
  }, 240_000);

  it('finds none of them in any output, in any form', () => {
    expect(secrets.length).toBeGreaterThan(25);
    expect(Object.keys(outputs).length).toBeGreaterThan(10);
    const lines = Object.values(outputs).reduce((n, t) => n + t.split('\n').length, 0);
    const leaks = findLeaks(outputs, secrets);
    console.log(
      `log secrets: ${secrets.length} secrets × their encoded forms searched in ${Object.keys(outputs).length} outputs (${lines} lines): ${leaks.length} hits`,
    );
    console.log(`secrets: ${[...new Set(secrets.map((s) => s.name))].join('; ')}`);
    expect(leaks).toEqual([]);
  });
});
