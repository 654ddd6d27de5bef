import type { ExportedDocument } from '../storage/record/erase.js';
import type { Stores } from '../storage/types.js';
import { erasersOf, resolveInTenant, tenantsOf } from './forget.js';
import { parseLearnerId } from './identity.js';

/** One learner's data in one tenant. */
export interface LearnerTenantExport {
  tenantId: string;
  agentKeys: string[];
  /** LTI user ids the roster holds for them. */
  userIds: string[];
  /** Statements naming them (actor, object, team, instructor, context agent), as stored. */
  statements: unknown[];
  /** Their State and Agent Profile documents (content as text). */
  documents: ExportedDocument[];
  /** Roster rows (learners, enrollments, launches, groups) and their figures in the active projection. */
  analytics: Record<string, Record<string, unknown>[]>;
}

/** `kairos export --learner ID`: the right of access, as one JSON document. */
export interface LearnerExport {
  format: 'kairos-learner-export/1';
  exportedAt: string;
  learner: string;
  tenants: LearnerTenantExport[];
}

/** Gathers everything Kairos holds of one learner (see docs/operations/privacy.md "Export"). */
export async function exportLearner(
  stores: Stores,
  options: { learner: string; tenantId?: string },
): Promise<LearnerExport> {
  const id = parseLearnerId(options.learner);
  const { record, analytics } = erasersOf(stores);
  const tenants: LearnerTenantExport[] = [];
  for (const tenantId of await tenantsOf(stores, options.tenantId)) {
    const who = await resolveInTenant(stores, tenantId, id);
    if (who.agentKeys.length === 0 && who.userIds.length === 0) continue;
    const statements: unknown[] = [];
    if (who.agentKeys.length > 0)
      for (let after: string | undefined; ; ) {
        const page = await record.read(tenantId, who.agentKeys, 1000, after);
        statements.push(...page.map((p) => JSON.parse(p.body)));
        if (page.length < 1000) break;
        after = page[page.length - 1]!.key;
      }
    const documents = who.agentKeys.length > 0 ? await record.agentDocuments(tenantId, who.agentKeys) : [];
    const rows = await analytics.export(tenantId, who.agentKeys, who.userIds);
    if (statements.length + documents.length + Object.values(rows).reduce((a, r) => a + r.length, 0) === 0)
      continue;
    tenants.push({ tenantId, ...who, statements, documents, analytics: rows });
  }
  return {
    format: 'kairos-learner-export/1',
    exportedAt: new Date().toISOString(),
    learner: id.input,
    tenants,
  };
}
