import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { createApiKey } from '../../../packages/server/src/auth/api-keys.js';
import { courseIriOf } from '../../../packages/server/src/iris.js';
import type { RecordStore } from '../../../packages/server/src/storage/types.js';
import { createTestPlatform, type TestPlatform, type ToolRegistration } from '../../lti-platform/index.js';
import { type LtiKairos, registerByHand, startLtiKairos } from '../../lti-platform/kairos.js';
import { recordStoreFactories } from '../../support/record-stores.js';

/** The operator's dynamic registration token of the fuzzed server. */
export const REGISTRATION_TOKEN = 'fuzz-registration-token-0123456789';

/** What the fuzz targets aim at: a server with a course, statements, credentials of every scope. */
export interface FuzzServer {
  kairos: LtiKairos;
  lms: TestPlatform;
  tool: ToolRegistration;
  url: string;
  /** `Basic …` of an API key with the `all` scope (tenant `default`). */
  key: string;
  /** `Bearer …` of a learner token (Alice) and of an instructor token of the course. */
  learner: string;
  instructor: string;
  /** The seeded course: its IRI, a learner's agent, and an activity with statements. */
  course: string;
  agent: { objectType: 'Agent'; account: { homePage: string; name: string } };
  agentKey: string;
  activity: string;
  statementId: string;
  registration: string;
  /** Warning and error lines the server logged (pino JSON), for the diagnosis of a 5xx. */
  errors(): string[];
  close(): Promise<void>;
}

const HOME = 'https://lms.example';

/**
 * Starts the real app in-process with every feature (LRS, LTI, analytics, forwarding) on the record store
 * `KAIROS_FUZZ_STORE` names (PGlite, PostgreSQL or MongoDB; default PGlite, what `kairos serve` embeds),
 * registers the test LTI platform, and seeds a course through the public API.
 */
export async function startFuzzServer(): Promise<FuzzServer> {
  const storeName = process.env.KAIROS_FUZZ_STORE ?? 'PGlite';
  const factory = recordStoreFactories.find(([n]) => n.toLowerCase() === storeName.toLowerCase());
  if (!factory) throw new Error(`KAIROS_FUZZ_STORE=${storeName}: use PGlite, PostgreSQL or MongoDB`);
  let record: RecordStore | undefined;
  if (factory[0] !== 'PGlite') {
    record = await factory[1]();
    if (!record) throw new Error(`${factory[0]} is not reachable (bash test/services/up)`);
  }
  const log = new PassThrough();
  const lines: string[] = [];
  log.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
  const kairos = await startLtiKairos({
    record,
    log: 'warn',
    logTo: log,
    env: {
      KAIROS_BODY_LIMIT: '1mb',
      KAIROS_REGISTRATION: 'token',
      KAIROS_REGISTRATION_TOKEN: REGISTRATION_TOKEN,
    },
  });
  const lms = await createTestPlatform();
  await lms.start();
  const tool = await registerByHand(lms, kairos);
  const { record: k, secret } = await createApiKey(kairos.stores.record.credentials, {
    tenantId: 'default',
    name: 'fuzz',
    scopes: ['all'],
  });
  const key = `Basic ${Buffer.from(`${k.key}:${secret}`).toString('base64')}`;
  const course = courseIriOf(kairos.url, 'default', 'https://site.example/courses/fuzz');
  const agent = { objectType: 'Agent' as const, account: { homePage: HOME, name: 'alice' } };
  const activity = 'https://site.example/courses/fuzz/q1';
  const registration = randomUUID();
  const statementId = randomUUID();
  const post = async (path: string, body: unknown, auth = key) => {
    const res = await fetch(`${kairos.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: auth,
        'content-type': 'application/json',
        'x-experience-api-version': '2.0.0',
      },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`seeding ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const statements = ['alice', 'bob', 'carol'].flatMap((name, i) =>
    [0, 1, 2].map((n) => ({
      id: name === 'alice' && n === 0 ? statementId : randomUUID(),
      actor: { objectType: 'Agent', name, account: { homePage: HOME, name } },
      verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
      object: {
        objectType: 'Activity',
        id: `${activity.slice(0, -1)}${n + 1}`,
        definition: {
          type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
          interactionType: 'choice',
        },
      },
      result: { success: (i + n) % 2 === 0, score: { scaled: n / 2 }, duration: 'PT30S' },
      context: { registration, contextActivities: { grouping: [{ id: course }] } },
      timestamp: new Date(Date.now() - (9 - 3 * i - n) * 60_000).toISOString(),
    })),
  );
  await post('/xapi/statements', statements);
  const token = async (body: Record<string, unknown>) =>
    `Bearer ${(await post('/api/v1/tokens', body)).token as string}`;
  const learner = await token({
    role: 'learner',
    actor: agent,
    scopes: ['statements/write', 'statements/read/mine', 'state', 'profile'],
  });
  const instructor = await token({
    role: 'instructor',
    contextId: 'https://site.example/courses/fuzz',
    scopes: ['statements/read', 'analytics/read', 'analytics/write'],
  });
  return {
    kairos,
    lms,
    tool,
    url: kairos.url,
    key,
    learner,
    instructor,
    course,
    agent,
    agentKey: `account:${HOME}|alice`,
    activity,
    statementId,
    registration,
    errors: () => lines,
    async close() {
      await kairos.close();
      await lms.close();
    },
  };
}
