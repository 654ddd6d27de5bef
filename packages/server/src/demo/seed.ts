/**
 * Seeds a simulated class into a Kairos server through its public API, as a school's own tooling would:
 * the competency framework (CSV), the course structure, the roster with names and groups, then the
 * statements in batches through the xAPI endpoint. `kairos demo`, the first `npm start` and the teacher
 * widgets' fixture generator all seed this way.
 */
import type { Statement } from '@kairos/xapi';
import { KairosError } from '../errors.js';
import { frameworkCsv, type SimClass, sdkBrowser, sendThroughSdk, structureOf } from '../simulator/index.js';

/** A JSON client of one server with one credential. */
export type ApiCall = (method: string, path: string, body?: unknown, type?: string) => Promise<unknown>;

/**
 * A client of the Kairos at `url` sending `authorization` (`Basic …` of a key, or `Bearer …`); a refused
 * request throws a {@link KairosError} with the server's status and message.
 *
 * @example
 * const call = apiClient('http://localhost:3000', basicAuth(key, secret));
 * await call('GET', '/api/v1/courses');
 */
export function apiClient(url: string, authorization: string): ApiCall {
  return async (method, path, body, type = 'application/json') => {
    let res: Response;
    try {
      res = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization,
          'x-experience-api-version': '2.0.0',
          ...(body === undefined ? {} : { 'content-type': type }),
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
    } catch (error) {
      throw new KairosError('server_unreachable', `no Kairos answers at ${url}: ${(error as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) {
      throw new KairosError('seed_failed', `${method} ${path}: ${res.status} ${text.slice(0, 500)}`, {
        status: res.status,
      });
    }
    return text ? JSON.parse(text) : undefined;
  };
}

/** The `Authorization` header of an API key. */
export const basicAuth = (key: string, secret: string) =>
  `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

/** Progress of a seeding: statements sent of the class's total. */
export interface SeedProgress {
  sent: number;
  total: number;
}

/** Options of {@link seedClass}. */
export interface SeedOptions {
  /** Statements per POST (default 250: small enough for steady progress, large enough to be quick). */
  batchSize?: number;
  onProgress?: (p: SeedProgress) => void;
  /**
   * Send the statements through the browser SDK in Chromium instead (`kairos demo --browser`): `url` is the
   * server's address for the page, and each learner's tracker gets a learner token minted with the seeding
   * credential ({@link sendThroughSdk}).
   */
  sdk?: { url: string; chromium?: string; signal?: AbortSignal };
}

/** Learner tokens of an SDK seeding: two hours, enough for a 3,000-learner class in Chromium. */
const SDK_TOKEN_TTL_S = 2 * 3600;

/** The two groups every seeded class is split into (alternating learners). */
const GROUPS = [
  { id: '6e-a', name: '6e A' },
  { id: '6e-b', name: '6e B' },
];

/**
 * Posts `sim` to the server `call` reaches: framework, structure, roster, statements. Re-running it stores
 * nothing twice (PUTs replace, statements keep their ids). With `sdk`, the statements go through the browser
 * SDK in Chromium, one tracker per learner. The credential needs `statements/write`,
 * `analytics/read` and `analytics/write` (tenant-wide, for the framework). Resolves with the statement count.
 */
export async function seedClass(call: ApiCall, sim: SimClass, options: SeedOptions = {}): Promise<number> {
  const batchSize = options.batchSize ?? 250;
  // nothing of the course is written when its statements cannot follow
  if (options.sdk) await sdkBrowser(options.sdk.chromium);
  const C = encodeURIComponent(sim.course.iri);
  await call(
    'POST',
    '/api/v1/frameworks?framework=fractions&title=Fractions',
    frameworkCsv(sim.course),
    'text/csv',
  );
  await call('PUT', `/api/v1/courses/${C}/structure`, structureOf(sim.course));
  await call('PUT', `/api/v1/courses/${C}/roster`, {
    title: sim.course.title,
    learners: sim.learners.map((l, i) => ({
      id: l.id,
      actor: l.actor,
      name: l.name,
      groups: [GROUPS[i % 2]!.id],
    })),
    groups: GROUPS,
  });
  if (options.sdk) {
    return sendThroughSdk(sim, {
      ...options.sdk,
      onProgress: options.onProgress,
      token: async (l) => {
        const minted = (await call('POST', '/api/v1/tokens', {
          role: 'learner',
          actor: l.actor,
          contextId: sim.course.iri,
          scopes: ['statements/write'],
          ttl: SDK_TOKEN_TTL_S,
        })) as { token: string };
        return minted.token;
      },
    });
  }
  let total = 0;
  for (const _ of sim.statements()) total++;
  options.onProgress?.({ sent: 0, total });
  let batch: Statement[] = [];
  let sent = 0;
  const flush = async () => {
    await call('POST', '/xapi/statements', batch);
    sent += batch.length;
    batch = [];
    options.onProgress?.({ sent, total });
  };
  for (const s of sim.statements()) {
    batch.push(s);
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  return total;
}
