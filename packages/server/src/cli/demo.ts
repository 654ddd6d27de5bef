import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { type AdminChannel, readAdminChannel } from '../admin/channel.js';
import type { KairosConfig } from '../config/index.js';
import {
  apiClient,
  basicAuth,
  type DemoDelivery,
  type DemoJobStatus,
  type DemoOptions,
  demoClass,
  demoCourseIri,
  demoOptions,
  demoStart,
  type SeedProgress,
  seedClass,
} from '../demo/index.js';
import { type HttpError, KairosError } from '../errors.js';
import { defaultChromium } from '../simulator/index.js';
import { lockHolder } from '../storage/lock.js';
import { type CliIo, parseFlags, usageError } from './output.js';

/** Usage of `kairos demo`. */
export const DEMO_USAGE =
  'kairos demo [--learners 30] [--days 21] [--seed 1] [--url URL --key KEY:SECRET] [--browser [--chromium PATH]] [--quiet]';

/**
 * Asks the server behind `channel` to seed a demo course (or reports the one it has) and follows it to
 * the end, calling `onStatus` at each poll. Resolves with the final status, links included. With `delivery`
 * `via: 'sdk'`, the server sends the statements through the SDK in Chromium.
 */
export async function demoThroughServer(
  channel: AdminChannel,
  options: DemoOptions,
  onStatus: (s: DemoJobStatus) => void = () => {},
  delivery: DemoDelivery = { via: 'http' },
): Promise<DemoJobStatus> {
  const call = async (method: string, query = ''): Promise<DemoJobStatus> => {
    const res = await fetch(`${channel.url}/admin/v1/demo${query}`, {
      method,
      headers: { authorization: `Bearer ${channel.token}`, 'content-type': 'application/json' },
      body: method === 'POST' ? JSON.stringify({ ...options, ...delivery }) : undefined,
    });
    const json = (await res.json().catch(() => ({}))) as DemoJobStatus & { message?: string };
    if (res.status === 404 && method === 'POST') {
      throw new KairosError(
        'demo_off',
        `the Kairos server (pid ${channel.pid}) is not in demo mode (KAIROS_DEMO=0): restart it without KAIROS_DEMO=0, or seed it with --url and --key`,
      );
    }
    if (!res.ok) throw new KairosError('demo_failed', json.message ?? `server answered ${res.status}`);
    return json;
  };
  let status = await call('POST');
  for (;;) {
    onStatus(status);
    if (status.phase === 'ready') return status;
    if (status.phase === 'failed')
      throw new KairosError('demo_failed', `seeding the demo course failed: ${status.error}`);
    await new Promise((r) => setTimeout(r, 300));
    status = await call('GET', `?course=${encodeURIComponent(status.course)}`);
  }
}

/** The two demo links, as `npm start` and `kairos demo` print them. */
export function demoLines(status: Pick<DemoJobStatus, 'urls'>): string[] {
  return [
    `  Demo dashboard      ${status.urls.dashboard}   (teacher view, read-only)`,
    `  Demo learner quiz   ${status.urls.learner}`,
  ];
}

function progressBar(quiet: boolean) {
  if (quiet) return undefined;
  return new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'seeding the demo course [{bar}] {percentage}% | {value}/{total} statements | {phase}',
      noTTYOutput: true,
      notTTYSchedule: 1000,
    },
    cliProgress.Presets.shades_classic,
  );
}

/** The local server's admin channel, or why there is none. */
function localServer(config: KairosConfig): AdminChannel {
  if (config.databaseUrl || config.mongodbUrl) {
    throw usageError(
      'demo mode needs the embedded store (DATABASE_URL and MONGODB_URL unset); to seed another server, pass --url and --key',
    );
  }
  const pid = lockHolder(config.dataDir);
  if (pid === undefined) {
    throw new KairosError(
      'no_server',
      `no Kairos server runs on ${config.dataDir}: start one with \`npm start\` (or \`kairos serve\`) and run \`kairos demo\` again, or pass --url and --key (docs/demo.md)`,
    );
  }
  const channel = readAdminChannel(config.dataDir);
  if (!channel)
    throw new KairosError(
      'server_busy',
      `Kairos (pid ${pid}) holds ${config.dataDir} but is not serving yet; retry in a few seconds`,
    );
  return channel;
}

/** Seeds a demo class into any Kairos with an API key (client side), unless its course has statements. */
async function demoThroughApi(
  url: string,
  key: string,
  o: DemoOptions,
  io: CliIo,
  onProgress: (p: SeedProgress) => void,
  delivery: DemoDelivery,
): Promise<number> {
  const [id, secret] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
  if (!id || !secret || !key.includes(':')) throw usageError('--key must be KEY:SECRET (kairos keys create)');
  const base = url.replace(/\/+$/, '');
  const call = apiClient(base, basicAuth(id, secret));
  const course = demoCourseIri(o);
  const seen = (await call(
    'GET',
    `/xapi/statements?activity=${encodeURIComponent(course)}&related_activities=true&limit=1`,
  )) as { statements: unknown[] };
  if (seen.statements.length > 0) {
    io.out(`${course} has statements on ${url} already: nothing sent (another --seed seeds another course)`);
    return 0;
  }
  const total = await seedClass(call, demoClass(o, demoStart(o)), {
    onProgress,
    ...(delivery.via === 'sdk' ? { sdk: { url: base, chromium: delivery.chromium } } : {}),
  });
  io.out(
    [
      `seeded ${course} on ${url} (the key's tenant): ${o.learners} learners, ${total} statements`,
      '  Its dashboard takes an instructor token of the course (docs/demo.md, "Another server"):',
      `  curl -u KEY:SECRET -H 'content-type: application/json' -d '{"role":"instructor","contextId":"${course}"}' ${url}/api/v1/tokens`,
    ].join('\n'),
  );
  return 0;
}

/**
 * `kairos demo`: seeds a simulated class (deterministic from `--seed`) through the real API and xAPI
 * endpoint. Without `--url`, into the demo tenant of the server running on this data directory, and
 * prints the links of its dashboard and quiz; with `--url --key`, into that server as the key's tenant.
 * With `--browser`, the learners' statements are sent by the browser SDK in headless Chromium (`--chromium`,
 * default `CHROMIUM_PATH` or /usr/bin/chromium; needs playwright-core), by the server without `--url`.
 */
export async function demoCommand(config: KairosConfig, args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags({
    args,
    allowPositionals: false,
    options: {
      learners: { type: 'string' },
      days: { type: 'string' },
      seed: { type: 'string' },
      url: { type: 'string' },
      key: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      browser: { type: 'boolean', default: false },
      chromium: { type: 'string' },
    },
  });
  let o: DemoOptions;
  try {
    o = demoOptions(values);
  } catch (error) {
    throw usageError(`--${(error as HttpError).message}`);
  }
  if ((values.url === undefined) !== (values.key === undefined))
    throw usageError('--url and --key go together');
  if (values.chromium !== undefined && !values.browser) throw usageError('--chromium goes with --browser');
  const delivery: DemoDelivery = values.browser
    ? { via: 'sdk', chromium: resolve(values.chromium ?? defaultChromium()) }
    : { via: 'http' };
  const bar = progressBar(values.quiet);
  let started = false;
  const show = (value: number, total: number, phase: string) => {
    if (!bar) return;
    if (!started) bar.start(Math.max(total, 1), value, { phase });
    started = true;
    bar.setTotal(Math.max(total, 1));
    bar.update(value, { phase });
  };
  try {
    if (values.url && values.key) {
      return await demoThroughApi(
        values.url,
        values.key,
        o,
        io,
        (p) => show(p.sent, p.total, delivery.via === 'sdk' ? 'sending (SDK in Chromium)' : 'sending'),
        delivery,
      );
    }
    let already: boolean | undefined;
    const status = await demoThroughServer(
      localServer(config),
      o,
      (s) => {
        already ??= s.phase === 'ready';
        if (!already)
          show(s.sent, s.total, delivery.via === 'sdk' ? `${s.phase} (SDK in Chromium)` : s.phase);
      },
      delivery,
    );
    bar?.stop();
    const what = already ? 'already seeded here, nothing sent' : `${o.learners} learners`;
    io.out(
      [`demo course ${status.course}: ${what}, ${status.total} statements`, ...demoLines(status)].join('\n'),
    );
    return 0;
  } finally {
    bar?.stop();
  }
}
