import type { Projector } from '../analytics/projection/projector.js';
import { KairosError } from '../errors.js';
import { ScoreQueue } from '../lti/ags-queue.js';
import { SqlAnalyticsStore } from '../storage/analytics/sql/analytics-store.js';
import type { RecordEraser } from '../storage/record/erase.js';
import type { Stores } from '../storage/types.js';
import { purgeTenantCache } from './cache.js';
import { type LearnerIdentity, learnerDigest, parseLearnerId } from './identity.js';

/** What a forget erased in one tenant. */
export interface ForgetTenantSummary {
  tenantId: string;
  statements: number;
  documents: number;
  attachments: number;
  /** Grade posts to the LMS (queued or sent) deleted: they hold the learner's LMS user id. */
  gradePosts: number;
  /** Analytics rows deleted, per table (before the reprojection recomputed the course figures). */
  analytics: Record<string, number>;
  cacheKeys: number;
  reprojected: boolean;
}

/** What `kairos forget` did. */
export interface ForgetSummary {
  /** HMAC-SHA256 of the learner ID with the server secret (what the audit log keeps). */
  learner: string;
  tenants: ForgetTenantSummary[];
}

/** The erasure pieces of open stores, or a clear error when a store cannot erase. */
export function erasersOf(stores: Stores): { record: RecordEraser; analytics: SqlAnalyticsStore['eraser'] } {
  const record = stores.record.eraser;
  if (!record || !(stores.analytics instanceof SqlAnalyticsStore))
    throw new KairosError('erase_unsupported', 'these stores cannot erase data');
  return { record, analytics: stores.analytics.eraser };
}

/** The tenants a privacy command covers: the one given, else every tenant with statements or analytics. */
export async function tenantsOf(stores: Stores, tenantId?: string): Promise<string[]> {
  if (tenantId !== undefined) return [tenantId];
  const { analytics } = erasersOf(stores);
  return [...new Set([...(await stores.record.statements.tenants()), ...(await analytics.tenants())])].sort();
}

/** The learner's agent keys and LTI user ids in one tenant: the ID's own, and the roster's for them. */
export async function resolveInTenant(
  stores: Stores,
  tenantId: string,
  id: LearnerIdentity,
): Promise<{ agentKeys: string[]; userIds: string[] }> {
  const { analytics } = erasersOf(stores);
  const agentKeys = new Set(id.agentKeys);
  const userIds = new Set(id.userIds);
  for (const r of await analytics.find(tenantId, [...agentKeys], [...userIds])) {
    userIds.add(r.userId);
    if (r.actorKey) agentKeys.add(r.actorKey);
  }
  return { agentKeys: [...agentKeys], userIds: [...userIds] };
}

const PENDING = 'privacy_pending';
/** Erasures begun in a tenant and not yet through their reprojection. */
export const PRIVACY_JOBS = 'privacy_jobs';

/**
 * Erases statements chosen by `selector` in a tenant, with what only they held: the statements referring
 * to them, the attachment contents no remaining statement declares. Attachments to check are noted in the
 * record store before their statements go, so a run stopped midway leaves nothing behind once re-run.
 */
export async function eraseStatements(
  stores: Stores,
  tenantId: string,
  selector: Parameters<RecordEraser['select']>[1],
  job: string,
  onProgress?: (line: string) => void,
): Promise<{ statements: number; attachments: number }> {
  const { record } = erasersOf(stores);
  const match = { tenantId, job };
  const pending = await stores.record.keyed.find(PENDING, match);
  const sha2s = new Set<string>(pending.flatMap((p) => (p.data as { sha2s: string[] }).sha2s));
  const erasedIds: string[] = [];
  let statements = 0;
  let lastReport = Date.now();
  for (;;) {
    // the ids already erased find what refers to them; only the last few thousand are needed per pass
    const batch = await record.select(tenantId, selector, erasedIds.slice(-5000), 500);
    if (batch.length === 0) break;
    const fresh = batch.flatMap((s) => s.sha2s).filter((s) => !sha2s.has(s));
    if (fresh.length > 0) {
      for (const s of fresh) sha2s.add(s);
      await stores.record.keyed.replace(PENDING, match, {
        collection: PENDING,
        fields: match,
        data: { sha2s: [...sha2s] },
        createdAt: new Date().toISOString(),
      });
    }
    statements += await record.deleteStatements(
      tenantId,
      batch.map((s) => s.key),
      batch.map((s) => s.id),
    );
    erasedIds.push(...batch.map((s) => s.id));
    if (Date.now() - lastReport > 2000) {
      lastReport = Date.now();
      onProgress?.(`${tenantId}: ${statements} statements erased so far`);
    }
  }
  const attachments = await record.deleteOrphanAttachments(tenantId, [...sha2s]);
  await stores.record.keyed.delete(PENDING, match);
  return { statements, attachments };
}

/** Rebuilds a tenant's projection from what remains, then deletes the generations it replaced. */
export async function recomputeTenant(stores: Stores, projector: Projector, tenantId: string): Promise<void> {
  await projector.reproject(tenantId);
  while ((await stores.analytics.projection.purgeRetired(tenantId, 50_000)) > 0) {}
}

/**
 * `kairos forget`: erases one learner from every store (see docs/operations/privacy.md "Erasure"). Every
 * step deletes what is still there, so running it again after a stop finishes the job, and running it on
 * a learner already forgotten changes nothing.
 */
export async function forgetLearner(
  stores: Stores,
  projector: Projector,
  options: { learner: string; tenantId?: string; secret: string; onProgress?: (line: string) => void },
): Promise<ForgetSummary> {
  const id = parseLearnerId(options.learner);
  const digest = learnerDigest(options.secret, id.input);
  const { record, analytics } = erasersOf(stores);
  const tenants: ForgetTenantSummary[] = [];
  for (const tenantId of await tenantsOf(stores, options.tenantId)) {
    // a run stopped midway left this mark, with whom it resolved (the roster rows may be gone since)
    const mark = { tenantId, job: `forget:${digest}` };
    const [earlier] = await stores.record.keyed.find(PRIVACY_JOBS, mark);
    const prior = earlier?.data as { agentKeys: string[]; userIds: string[] } | undefined;
    const who = await resolveInTenant(stores, tenantId, {
      input: id.input,
      agentKeys: [...new Set([...id.agentKeys, ...(prior?.agentKeys ?? [])])],
      userIds: [...new Set([...id.userIds, ...(prior?.userIds ?? [])])],
    });
    if (who.agentKeys.length === 0 && who.userIds.length === 0) continue;
    const resumed = prior !== undefined;
    await stores.record.keyed.replace(PRIVACY_JOBS, mark, {
      collection: PRIVACY_JOBS,
      fields: mark,
      data: who,
      createdAt: new Date().toISOString(),
    });
    options.onProgress?.(`${tenantId}: erasing statements`);
    const erased =
      who.agentKeys.length > 0
        ? await eraseStatements(
            stores,
            tenantId,
            { kind: 'agents', agentKeys: who.agentKeys },
            `forget:${digest}`,
            options.onProgress,
          )
        : { statements: 0, attachments: 0 };
    const documents =
      who.agentKeys.length > 0 ? await record.deleteAgentDocuments(tenantId, who.agentKeys) : 0;
    const gradePosts = await new ScoreQueue(stores.record.keyed).forget(tenantId, who.userIds);
    const rows = await analytics.erase(tenantId, who.agentKeys, who.userIds);
    const touched =
      resumed ||
      erased.statements + documents + gradePosts + Object.values(rows).reduce((a, b) => a + b, 0) > 0;
    // the course figures included them: recompute them from the remaining statements
    if (touched) {
      options.onProgress?.(`${tenantId}: recomputing the course figures`);
      await recomputeTenant(stores, projector, tenantId);
    }
    const cacheKeys = touched ? await purgeTenantCache(stores.cache, tenantId) : 0;
    await stores.record.keyed.delete(PRIVACY_JOBS, mark);
    if (touched)
      tenants.push({
        tenantId,
        statements: erased.statements,
        documents,
        attachments: erased.attachments,
        gradePosts,
        analytics: Object.fromEntries(Object.entries(rows).filter(([, n]) => n > 0)),
        cacheKeys,
        reprojected: true,
      });
  }
  return { learner: digest, tenants };
}
