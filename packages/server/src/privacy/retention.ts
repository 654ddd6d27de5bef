import type { Projector } from '../analytics/projection/projector.js';
import { KairosError } from '../errors.js';
import type { Stores } from '../storage/types.js';
import { purgeTenantCache } from './cache.js';
import { erasersOf, eraseStatements, PRIVACY_JOBS, recomputeTenant } from './forget.js';
import { assertKnownTenant, RetentionSettings, retentionCutoff } from './retention-settings.js';

/** The name of the lock one retention run holds across processes (`AnalyticsStore.exclusive`). */
export const RETENTION_LOCK = 'retention';
/** The erasure job name of a tenant's retention (its `privacy_jobs` mark and pending attachments). */
const JOB = 'retention';

/** What a retention run purged (or, dry, would purge) in one tenant. */
export interface RetentionTenantSummary {
  tenantId: string;
  months: number;
  /** Statements stored before this instant are purged (ISO 8601). */
  cutoff: string;
  /** Statements stored before the cutoff, and those referring to them (StatementRef, voiding). */
  statements: number;
  /** State, Activity Profile and Agent Profile documents not updated since the cutoff. */
  documents: number;
  /** Attachment contents no remaining statement declares (a dry run does not count them: `null`). */
  attachments: number | null;
  /** Whether the course figures were recomputed from the remaining statements. */
  reprojected: boolean;
  cacheKeys: number;
}

/** What `kairos retention run` did. */
export interface RetentionSummary {
  dryRun: boolean;
  /** The instant the cutoffs were computed from (ISO 8601). */
  now: string;
  tenants: RetentionTenantSummary[];
}

/** Options of {@link runRetention}. */
export interface RetentionRunOptions {
  /** One tenant (it must have a setting); every tenant with a setting when absent. */
  tenantId?: string;
  /** Count what would go, delete nothing. */
  dryRun?: boolean;
  /** The clock (tests); cutoffs are `now` minus each tenant's months. */
  now?: Date;
  onProgress?: (line: string) => void;
}

/**
 * `kairos retention run`: in each tenant with a retention setting, purges the statements stored before
 * its cutoff (and those referring to them), the documents not updated since, the attachments left
 * orphaned, then recomputes the tenant's course figures and drops its cached answers (see
 * docs/operations/privacy.md "Retention"). One run at a time across processes; a run stopped midway is
 * finished by the next one (its mark in `privacy_jobs` makes the next run reproject even with nothing
 * left to delete).
 */
export async function runRetention(
  stores: Stores,
  projector: Projector,
  options: RetentionRunOptions = {},
): Promise<RetentionSummary> {
  const now = options.now ?? new Date();
  const settings = new RetentionSettings(stores.record.keyed);
  let chosen = await settings.list();
  if (options.tenantId !== undefined) {
    const tenantId = options.tenantId;
    await assertKnownTenant(stores, tenantId);
    chosen = chosen.filter((s) => s.tenantId === tenantId);
    if (chosen.length === 0)
      throw new KairosError(
        'usage',
        `tenant "${tenantId}" has no retention setting: set one with \`kairos retention set --tenant ${tenantId} --months N\``,
        { status: 404 },
      );
  }
  const plan = chosen.map((s) => ({
    tenantId: s.tenantId,
    months: s.months,
    cutoff: retentionCutoff(now, s.months).toISOString(),
  }));
  const summary = (tenants: RetentionTenantSummary[]): RetentionSummary => ({
    dryRun: options.dryRun === true,
    now: now.toISOString(),
    tenants,
  });
  if (options.dryRun) {
    const { record } = erasersOf(stores);
    const tenants: RetentionTenantSummary[] = [];
    for (const p of plan) {
      const statements =
        (await record.countBefore(p.tenantId, p.cutoff)) +
        (await record.countReferringBefore(p.tenantId, p.cutoff));
      const documents = await record.deleteDocumentsBefore(p.tenantId, p.cutoff, true);
      tenants.push({ ...p, statements, documents, attachments: null, reprojected: false, cacheKeys: 0 });
    }
    return summary(tenants);
  }
  // two runs at once would reproject the same tenant twice, and both delete what the other is deleting
  const locked = await stores.analytics.exclusive(RETENTION_LOCK, async () => {
    const tenants: RetentionTenantSummary[] = [];
    for (const p of plan) {
      const done = await purgeTenant(stores, projector, p, options.onProgress);
      await settings.recordRun({
        tenantId: p.tenantId,
        at: new Date().toISOString(),
        cutoff: p.cutoff,
        statements: done.statements,
        documents: done.documents,
        attachments: done.attachments ?? 0,
      });
      tenants.push(done);
    }
    return tenants;
  });
  if (!locked.ran)
    throw new KairosError(
      'retention_busy',
      'another Kairos process is running retention now; run again once it has finished',
      { status: 409 },
    );
  return summary(locked.value);
}

/** One tenant's purge, resumable: the mark stays until its figures are recomputed. */
async function purgeTenant(
  stores: Stores,
  projector: Projector,
  p: { tenantId: string; months: number; cutoff: string },
  onProgress?: (line: string) => void,
): Promise<RetentionTenantSummary> {
  const { record } = erasersOf(stores);
  const mark = { tenantId: p.tenantId, job: JOB };
  const resumed = (await stores.record.keyed.find(PRIVACY_JOBS, mark)).length > 0;
  await stores.record.keyed.replace(PRIVACY_JOBS, mark, {
    collection: PRIVACY_JOBS,
    fields: mark,
    data: { cutoff: p.cutoff },
    createdAt: new Date().toISOString(),
  });
  onProgress?.(`${p.tenantId}: purging statements stored before ${p.cutoff}`);
  const erased = await eraseStatements(
    stores,
    p.tenantId,
    { kind: 'before', stored: p.cutoff },
    JOB,
    onProgress,
  );
  const documents = await record.deleteDocumentsBefore(p.tenantId, p.cutoff, false);
  onProgress?.(
    `${p.tenantId}: ${erased.statements} statements, ${documents} documents, ${erased.attachments} attachments purged`,
  );
  // documents feed no figure: only statements gone (now, or by the run this one resumes) need a reprojection
  const touched = resumed || erased.statements > 0;
  if (touched) {
    onProgress?.(`${p.tenantId}: recomputing the course figures`);
    await recomputeTenant(stores, projector, p.tenantId);
  }
  const cacheKeys = touched ? await purgeTenantCache(stores.cache, p.tenantId) : 0;
  await stores.record.keyed.delete(PRIVACY_JOBS, mark);
  return { ...p, ...erased, documents, reprojected: touched, cacheKeys };
}
