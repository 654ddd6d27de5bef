/**
 * The demo courses of a server in demo mode: seeding them through the server's own API (once: a course
 * already seeded is left alone), and the tokens the demo pages hand out — read-only for the teacher's
 * view, about one fresh visitor for the learner's, and always for one demo course of the demo tenant.
 */
import { agentKey } from '@kairos/xapi';
import type { Projector } from '../analytics/projection/projector.js';
import { createApiKey } from '../auth/api-keys.js';
import { keyCacheOf } from '../auth/key-cache.js';
import { mintToken } from '../auth/tokens.js';
import { KairosError } from '../errors.js';
import { sdkBrowser } from '../simulator/index.js';
import type { Stores } from '../storage/types.js';
import {
  DEMO_HOME_PAGE,
  DEMO_TENANT,
  type DemoOptions,
  demoClass,
  demoCourseIri,
  demoStart,
} from './course.js';
import { type DemoRecord, demoRecord, saveDemoRecord } from './records.js';
import { apiClient, basicAuth, seedClass } from './seed.js';

/** Lifetime of the tokens the demo pages mint (a visitor reopens /demo for a new one). */
const DEMO_TOKEN_TTL_S = 2 * 3600;
/** What a demo instructor token may do: read, never write (no analytics/write, no statements/write). */
const DEMO_INSTRUCTOR_SCOPES = ['statements/read', 'analytics/read'];
const LEARNER_SCOPES = ['statements/write', 'statements/read/mine'];
/** The seeding key writes the framework, structure, roster and statements, and is revoked when done. */
const SEEDING_SCOPES = ['statements/write', 'analytics/read', 'analytics/write'];
/** The key the demo tokens are minted under (its secret is never kept): revoking it ends them all. */
const TOKEN_KEY_NAME = 'demo pages';

/** Where a seeding is. */
export interface DemoStatus {
  course: string;
  options: DemoOptions;
  phase: 'seeding' | 'projecting' | 'ready' | 'failed';
  sent: number;
  total: number;
  error?: string;
  statements?: number;
}

/** How a seeding sends its learners' statements: batched posts (default), or the SDK in Chromium. */
export interface DemoDelivery {
  via: 'http' | 'sdk';
  /** Chromium's executable, for `via: 'sdk'`. */
  chromium?: string;
}

/** What the demo needs of the server. */
export interface DemoDeps {
  stores: Stores;
  secret: string;
  projector: Projector;
}

/** The demo courses of one server process. */
export class DemoCourses {
  private readonly jobs = new Map<string, Promise<DemoRecord>>();
  private readonly statuses = new Map<string, DemoStatus>();
  private stopping = false;
  private readonly stopped = new AbortController();

  constructor(private readonly deps: DemoDeps) {}

  /** The record of a demo course, or `undefined` when it was never seeded here. */
  record(course: string): Promise<DemoRecord | undefined> {
    return demoRecord(this.deps.stores.record.keyed, course);
  }

  /** The status of a seeding this process ran or runs (a course seeded by an earlier run: from its record). */
  async status(course: string): Promise<DemoStatus | undefined> {
    const live = this.statuses.get(course);
    if (live) return live;
    const r = await this.record(course);
    if (!r) return undefined;
    const total = r.statements ?? 0;
    const ready = r.state === 'ready';
    return { course, options: r.options, phase: ready ? 'ready' : 'seeding', sent: ready ? total : 0, total };
  }

  /**
   * Seeds the demo course of `options` through the server at `url` (this one), unless it is ready already,
   * and waits for the projection; concurrent calls share one seeding. A seeding cut short (the server
   * stopped) resumes at the next call with the same statements. `delivery` applies when this call starts
   * the seeding (one joining a seeding under way takes it as it is).
   */
  seed(url: string, options: DemoOptions, delivery: DemoDelivery = { via: 'http' }): Promise<DemoRecord> {
    const course = demoCourseIri(options);
    let job = this.jobs.get(course);
    if (!job) {
      this.statuses.set(course, { course, options, phase: 'seeding', sent: 0, total: 0 });
      job = this.run(url, options, course, delivery)
        .catch((error: Error) => {
          Object.assign(this.statuses.get(course)!, { phase: 'failed', error: error.message });
          throw error;
        })
        .finally(() => this.jobs.delete(course));
      this.jobs.set(course, job);
    }
    return job;
  }

  private async run(
    url: string,
    options: DemoOptions,
    course: string,
    delivery: DemoDelivery,
  ): Promise<DemoRecord> {
    const { stores } = this.deps;
    const status = this.statuses.get(course)!;
    const found = await this.record(course);
    if (found?.state === 'ready') {
      Object.assign(status, { phase: 'ready', sent: found.statements, total: found.statements });
      return found;
    }
    // no record of a seeding that cannot start (no playwright-core or Chromium for the SDK)
    if (delivery.via === 'sdk') await sdkBrowser(delivery.chromium);
    const start = found ? new Date(found.start) : demoStart(options);
    const sim = demoClass(options, start);
    const record: DemoRecord = found ?? {
      course,
      title: sim.course.title,
      options,
      start: start.toISOString(),
      state: 'seeding',
      createdAt: new Date().toISOString(),
    };
    if (!found) await saveDemoRecord(stores.record.keyed, record);
    const { record: key, secret } = await createApiKey(stores.record.credentials, {
      tenantId: DEMO_TENANT,
      name: 'demo seeding',
      scopes: SEEDING_SCOPES,
    });
    try {
      const call = apiClient(url, basicAuth(key.key, secret));
      status.statements = await seedClass(
        (...args) => {
          if (this.stopping) throw new KairosError('stopping', 'the server is stopping');
          return call(...args);
        },
        sim,
        {
          onProgress: (p) => {
            status.sent = p.sent;
            status.total = p.total;
          },
          ...(delivery.via === 'sdk'
            ? { sdk: { url, chromium: delivery.chromium, signal: this.stopped.signal } }
            : {}),
        },
      );
      status.phase = 'projecting';
      await this.deps.projector.settle(DEMO_TENANT);
      await this.tokenKey();
      const ready: DemoRecord = {
        ...record,
        state: 'ready',
        statements: status.statements,
        readyAt: new Date().toISOString(),
      };
      await saveDemoRecord(stores.record.keyed, ready);
      status.phase = 'ready';
      return ready;
    } finally {
      await stores.record.credentials.revoke(key.key, new Date().toISOString()).catch(() => false);
      keyCacheOf(stores.record.credentials).forget(key.key);
    }
  }

  /** The key demo tokens are minted under, created at the first need. */
  private async tokenKey(): Promise<string> {
    const { credentials } = this.deps.stores.record;
    const existing = (await credentials.list(DEMO_TENANT)).find(
      (k) => k.name === TOKEN_KEY_NAME && !k.revokedAt,
    );
    if (existing) return existing.key;
    const { record } = await createApiKey(credentials, {
      tenantId: DEMO_TENANT,
      name: TOKEN_KEY_NAME,
      scopes: [...DEMO_INSTRUCTOR_SCOPES, ...LEARNER_SCOPES],
    });
    return record.key;
  }

  /** A read-only instructor token for one demo course (the demo dashboard's). */
  async instructorToken(course: string): Promise<string> {
    return mintToken(
      this.deps.secret,
      {
        tenantId: DEMO_TENANT,
        scopes: DEMO_INSTRUCTOR_SCOPES,
        contextId: course,
        role: 'instructor',
        keyId: await this.tokenKey(),
      },
      DEMO_TOKEN_TTL_S,
    );
  }

  /**
   * A learner token for `visitor` in one demo course, enrolled there under a visitor's name so the
   * dashboard shows who answered.
   */
  async learnerToken(course: string, visitor: string): Promise<{ token: string; actor: DemoActor }> {
    const actor: DemoActor = { objectType: 'Agent', account: { homePage: DEMO_HOME_PAGE, name: visitor } };
    const roster = this.deps.stores.analytics.roster;
    const name = `Visitor ${visitor.slice(-4)}`;
    await roster.upsertPerson({ tenantId: DEMO_TENANT, userId: visitor, actorKey: agentKey(actor)!, name });
    await roster.upsertEnrollment({
      tenantId: DEMO_TENANT,
      contextId: course,
      userId: visitor,
      role: 'learner',
      source: 'api',
    });
    const token = await mintToken(
      this.deps.secret,
      {
        tenantId: DEMO_TENANT,
        scopes: LEARNER_SCOPES,
        contextId: course,
        actor,
        role: 'learner',
        keyId: await this.tokenKey(),
      },
      DEMO_TOKEN_TTL_S,
    );
    return { token, actor };
  }

  /** Stops seeding (at shutdown) and waits for the seedings under way to end. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    await Promise.allSettled([...this.jobs.values()]);
  }
}

/** A visitor's xAPI actor. */
export interface DemoActor {
  objectType: 'Agent';
  account: { homePage: string; name: string };
}
