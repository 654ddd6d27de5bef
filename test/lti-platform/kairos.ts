import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../packages/server/src/config/index.js';
import { features } from '../../packages/server/src/features.js';
import { createApp } from '../../packages/server/src/http/app.js';
import { createLogger } from '../../packages/server/src/logger.js';
import type { LtiDeps } from '../../packages/server/src/lti/deps.js';
import {
  createLtiFeature,
  type LtiFeatureOptions,
  type LtiJobs,
  ltiFeature,
} from '../../packages/server/src/lti/index.js';
import { ShutdownHooks } from '../../packages/server/src/shutdown.js';
import { SqlAnalyticsStore } from '../../packages/server/src/storage/analytics/sql/analytics-store.js';
import { MemoryCache } from '../../packages/server/src/storage/cache/memory.js';
import { announceStored } from '../../packages/server/src/storage/record/announce.js';
import { SqlRecordStore } from '../../packages/server/src/storage/record/sql/record-store.js';
import { openPglite } from '../../packages/server/src/storage/sql/database.js';
import type { RecordStore, Stores } from '../../packages/server/src/storage/types.js';
import type { TestPlatform, ToolRegistration } from './index.js';

/** Kairos running in-process for LTI tests (PGlite in memory unless another record store is given). */
export interface LtiKairos {
  url: string;
  stores: Stores;
  lti: LtiDeps;
  /** Roster sync and grade passback jobs (tests drive them). */
  jobs: LtiJobs;
  server: Server;
  close(): Promise<void>;
}

/** Starts the real app with every feature; `publicHost` names it (e.g. `tool.test`) for browser tests. */
export async function startLtiKairos(
  options: {
    env?: Record<string, string>;
    lti?: LtiFeatureOptions;
    record?: RecordStore;
    publicHost?: string;
    log?: string;
    /** Where log lines go (default stdout); tests capture them here. */
    logTo?: NodeJS.WritableStream;
    /** Serve HTTPS (browser tests of Secure/Partitioned cookies). */
    tls?: { key: string; cert: string };
  } = {},
): Promise<LtiKairos> {
  const server: Server = options.tls ? createHttpsServer(options.tls) : createServer();
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  const url = `${options.tls ? 'https' : 'http'}://${options.publicHost ?? '127.0.0.1'}:${port}`;
  const db = await openPglite('memory://');
  const record = options.record ?? new SqlRecordStore(db, false);
  const analytics = new SqlAnalyticsStore(db, false);
  await record.migrate();
  await analytics.migrate();
  const cache = new MemoryCache();
  const stores: Stores = {
    record: announceStored(record, cache),
    analytics,
    cache,
    async close() {
      await record.close();
      await cache.close();
      await db.close();
    },
  };
  const config = loadConfig({ KAIROS_PUBLIC_URL: url, ...options.env });
  const feats = features.map((f) => (f === ltiFeature && options.lti ? createLtiFeature(options.lti) : f));
  const shutdown = new ShutdownHooks();
  const app = createApp({
    shutdown,
    config,
    stores,
    logger: createLogger(options.log ?? 'silent', options.logTo),
    secret: 'lti-test-secret-0123456789-0123456789',
    features: feats,
  });
  server.on('request', app);
  return {
    url,
    stores,
    lti: app.locals.lti as LtiDeps,
    jobs: app.locals.ltiJobs as LtiJobs,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await shutdown.run();
      await stores.close();
    },
  };
}

/** Adds the Kairos served at `url` as a tool of the platform (what an LMS administrator does). */
export function addKairosTool(lms: TestPlatform, url: string): ToolRegistration {
  return lms.addTool({
    name: 'Kairos',
    loginUrl: `${url}/lti/login`,
    redirectUris: [`${url}/lti/launch`],
    targetLinkUri: `${url}/lti/launch`,
    jwksUrl: `${url}/lti/keys`,
  });
}

/** The arguments of `kairos platform add` that register the platform with `tool`'s client id. */
export function platformAddArgs(
  lms: TestPlatform,
  tool: ToolRegistration,
  deployments: string[] = tool.deploymentIds,
): string[] {
  return [
    'platform',
    'add',
    '--issuer',
    lms.issuer,
    '--client-id',
    tool.clientId,
    '--auth-url',
    `${lms.issuer}/auth`,
    '--token-url',
    `${lms.issuer}/token`,
    '--jwks-url',
    `${lms.issuer}/jwks`,
    ...deployments.flatMap((d) => ['--deployment', d]),
  ];
}

/** Registers Kairos on the platform and the platform in Kairos by hand (as `kairos platform add` does). */
export async function registerByHand(lms: TestPlatform, kairos: LtiKairos): Promise<ToolRegistration> {
  const tool = addKairosTool(lms, kairos.url);
  await kairos.lti.registry.add({
    issuer: lms.issuer,
    clientId: tool.clientId,
    name: 'Test LMS',
    authEndpoint: `${lms.issuer}/auth`,
    tokenEndpoint: `${lms.issuer}/token`,
    jwksUrl: `${lms.issuer}/jwks`,
    deploymentIds: tool.deploymentIds,
  });
  return tool;
}

/** A response of the launch flow, with its HTML. */
export interface FlowResponse {
  status: number;
  html: string;
  headers: Headers;
}

/** Reads the auto-submitting form of a page (action + hidden fields). */
export function formOf(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form in: ${html.slice(0, 300)}`);
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[m[1]!] = m[2]!
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  }
  return { action: action.replace(/&amp;/g, '&'), fields };
}

/** Posts a form the way a browser would. */
export async function postForm(
  action: string,
  fields: Record<string, string>,
  cookie?: string,
): Promise<FlowResponse> {
  const res = await fetch(action, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(cookie ? { cookie } : {}),
      accept: 'text/html',
    },
    body: new URLSearchParams(fields),
  });
  return { status: res.status, html: await res.text(), headers: res.headers };
}

/**
 * Runs login initiation → platform authorization → launch POST over HTTP, keeping the state cookie like a
 * browser (unless `dropCookies`). Returns the launch response and the id_token/state that were posted.
 */
export async function launchOverHttp(
  loginUrl: string,
  options: { dropCookies?: boolean } = {},
): Promise<FlowResponse & { posted: Record<string, string>; cookie?: string }> {
  const login = await fetch(loginUrl, { redirect: 'manual' });
  if (login.status !== 302) {
    return { status: login.status, html: await login.text(), headers: login.headers, posted: {} };
  }
  const cookie =
    login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ') || undefined;
  const auth = await fetch(login.headers.get('location')!);
  const form = formOf(await auth.text());
  const launched = await postForm(form.action, form.fields, options.dropCookies ? undefined : cookie);
  return { ...launched, posted: form.fields, cookie };
}

/** The SDK bootstrap of a learner launch page. */
export function bootstrapOf(html: string): {
  endpoint: string;
  token: string;
  actor: { account: { homePage: string; name: string } };
  context: {
    registration: string;
    course: {
      objectType: 'Activity';
      id: string;
      definition: { type: string; name?: Record<string, string> };
    };
    parent: { objectType: 'Activity'; id: string; definition?: { name?: Record<string, string> } };
  };
  language: string;
} {
  const json = /<script type="application\/json" id="kairos-launch">(.+?)<\/script>/s.exec(html)?.[1];
  if (!json) throw new Error(`no launch bootstrap in: ${html.slice(0, 400)}`);
  return JSON.parse(json);
}
