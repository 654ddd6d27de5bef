import { createHash, randomUUID } from 'node:crypto';
import { isIri } from '@kairos/xapi';
import { KairosError } from '../errors.js';
import type { KeyedRecordRepository } from '../storage/types.js';
import { type Sealed, seal, unseal } from '../util/seal.js';
import { minUuidv7 } from '../util/uuid.js';

const COLLECTION = 'kairos:forwarder';
/** Refused statements a forwarder remembers (the count goes on). */
const REJECTED_KEPT = 50;

/** What an operator gives to forward a tenant's statements to another LRS. */
export interface ForwarderInput {
  tenantId: string;
  /** The other LRS's xAPI endpoint (`https://lrs.example/xapi/`). */
  endpoint: string;
  /** Basic credentials of a key on the other LRS with statements/write. */
  username: string;
  password: string;
  /** Only statements with one of these verb IRIs (all when empty). */
  verbs?: string[];
  /** Only statements about one of these activity IRIs: object, parent, grouping or other context activity (all when empty). */
  activities?: string[];
  /** `start`: every statement the tenant has stored (the default); `now`: those stored from now on. */
  from?: 'start' | 'now';
}

/** A statement the other LRS refused for good (4xx on its own), skipped so the rest go on. */
export interface RejectedStatement {
  id: string;
  status: number;
  error: string;
  at: string;
}

/** A forwarder as stored: configuration, position, and delivery state. */
export interface ForwarderRecord {
  id: string;
  tenantId: string;
  endpoint: string;
  username: string;
  /** The other LRS's secret, sealed with a key derived from the Kairos secret. */
  password: Sealed;
  verbs: string[];
  activities: string[];
  createdAt: string;
  /** Key of the last statement handled (forwarded, filtered out or rejected); absent: none yet. */
  checkpoint?: string;
  forwarded: number;
  rejectedCount: number;
  rejected: RejectedStatement[];
  /** When the last batch reached the other LRS. */
  lastSentAt?: string;
  /** Failed tries in a row (0 when the last one worked). */
  failures: number;
  failingSince?: string;
  lastError?: string;
  /** No try before this instant (the backoff). */
  nextAttemptAt: string;
  /** The process sending now holds the forwarder until this instant. */
  leaseUntil: string;
  /** Bumped by every write: writes are compare-and-set on it, so two processes never both advance it. */
  version: number;
}

/** A forwarder as shown to operators: never the secret. */
export type ForwarderInfo = Omit<ForwarderRecord, 'password' | 'version' | 'leaseUntil'> & {
  /** `ok`, `failing` (the other LRS refuses or does not answer; Kairos keeps retrying). */
  status: 'ok' | 'failing';
};

/** The sealing key of forwarders' secrets, derived from the Kairos secret. */
const sealKey = (secret: string) => createHash('sha256').update(`kairos-forward:${secret}`).digest('hex');

/** What operators see of a forwarder. */
export function forwarderInfo(r: ForwarderRecord): ForwarderInfo {
  const { password: _p, version: _v, leaseUntil: _l, ...rest } = r;
  return { ...rest, status: r.failures > 0 ? 'failing' : 'ok' };
}

const iriList = (name: string, value: unknown): string[] => {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !isIri(v)))
    throw new KairosError('invalid_forwarder', `${name} must be a list of IRIs`, { status: 400 });
  return [...new Set(value as string[])];
};

/** Checks an operator's input; throws a 400 naming what to fix. */
export function parseForwarderInput(body: unknown): ForwarderInput {
  const b = (body ?? {}) as Record<string, unknown>;
  const bad = (message: string) => new KairosError('invalid_forwarder', message, { status: 400 });
  if (typeof b.tenantId !== 'string' || b.tenantId === '') throw bad('tenantId is required');
  let url: URL;
  try {
    url = new URL(String(b.endpoint));
  } catch {
    throw bad('endpoint must be the URL of an xAPI endpoint (https://lrs.example/xapi/)');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw bad('endpoint must be an http(s) URL');
  if (typeof b.username !== 'string' || b.username === '' || typeof b.password !== 'string')
    throw bad('username and password (a key of the other LRS) are required');
  if (b.from !== undefined && b.from !== 'start' && b.from !== 'now') throw bad('from must be start or now');
  return {
    tenantId: b.tenantId,
    endpoint: url.href.endsWith('/') ? url.href : `${url.href}/`,
    username: b.username,
    password: b.password,
    verbs: iriList('verbs', b.verbs),
    activities: iriList('activities', b.activities),
    from: (b.from as 'start' | 'now' | undefined) ?? 'start',
  };
}

/**
 * The forwarders of every tenant, as keyed records of the record store (so a forwarder, its position and
 * its delivery state survive restarts and are shared by every process). Writes are compare-and-set on the
 * record's version.
 */
export class Forwarders {
  constructor(
    private readonly keyed: KeyedRecordRepository,
    private readonly secret: string,
  ) {}

  /** Creates a forwarder; from the tenant's first statement, or from now. */
  async add(input: ForwarderInput, now = new Date()): Promise<ForwarderInfo> {
    const at = now.toISOString();
    const record: ForwarderRecord = {
      id: randomUUID(),
      tenantId: input.tenantId,
      endpoint: input.endpoint,
      username: input.username,
      password: seal(sealKey(this.secret), input.password),
      verbs: input.verbs ?? [],
      activities: input.activities ?? [],
      createdAt: at,
      ...(input.from === 'now' ? { checkpoint: minUuidv7(now.getTime()) } : {}),
      forwarded: 0,
      rejectedCount: 0,
      rejected: [],
      failures: 0,
      nextAttemptAt: at,
      leaseUntil: at,
      version: 0,
    };
    await this.keyed.insert({
      collection: COLLECTION,
      fields: { tenantId: record.tenantId, id: record.id, version: 0 },
      data: record,
      createdAt: at,
    });
    return forwarderInfo(record);
  }

  /** Every forwarder (of one tenant when given). */
  async list(tenantId?: string): Promise<ForwarderRecord[]> {
    const rows = await this.keyed.find(COLLECTION, tenantId === undefined ? {} : { tenantId });
    return rows.map((r) => r.data as ForwarderRecord).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async get(tenantId: string, id: string): Promise<ForwarderRecord | undefined> {
    const [row] = await this.keyed.find(COLLECTION, { tenantId, id });
    return row?.data as ForwarderRecord | undefined;
  }

  /** Deletes a forwarder (what it forwarded stays in the other LRS); false when there was none. */
  async remove(tenantId: string, id: string): Promise<boolean> {
    return (await this.keyed.delete(COLLECTION, { tenantId, id })) > 0;
  }

  /** The other LRS's secret of a forwarder. */
  password(r: ForwarderRecord): string {
    return unseal<string>(sealKey(this.secret), r.password);
  }

  /**
   * Writes `next` if the stored forwarder is still at `prev.version` (nobody else wrote meanwhile);
   * returns the record as written, or undefined when another process got there first (or it was removed).
   */
  async write(
    prev: ForwarderRecord,
    next: Omit<ForwarderRecord, 'version'>,
  ): Promise<ForwarderRecord | undefined> {
    const written: ForwarderRecord = { ...next, version: prev.version + 1 };
    const ok = await this.keyed.update(
      COLLECTION,
      { tenantId: prev.tenantId, id: prev.id, version: prev.version },
      { fields: { tenantId: prev.tenantId, id: prev.id, version: written.version }, data: written },
    );
    return ok ? written : undefined;
  }
}

/** Adds refused statements to a forwarder's record (the latest {@link REJECTED_KEPT} are kept). */
export function withRejected(r: ForwarderRecord, rejected: RejectedStatement[]): ForwarderRecord {
  return {
    ...r,
    rejectedCount: r.rejectedCount + rejected.length,
    rejected: [...r.rejected, ...rejected].slice(-REJECTED_KEPT),
  };
}
