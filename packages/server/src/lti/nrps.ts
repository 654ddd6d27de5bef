import { agentKey } from '@kairos/xapi';
import { ltiActor } from '../iris.js';
import type { LtiDeps } from './deps.js';
import { kairosRole } from './roles.js';
import { contextServices } from './service-records.js';

/** Outcome of a roster sync. */
export interface RosterSync {
  members: number;
  learners: number;
}

/**
 * Names and Role Provisioning: fetches the whole roster of a context (every page: ltijs' `pages` defaults
 * to 1) and upserts people and enrollments, so analytics know who never started. Roles are mapped by
 * Kairos (Moodle answers NRPS in short forms, and answers learners' requests too).
 */
export async function syncRoster(
  deps: LtiDeps,
  tenantId: string,
  contextId: string,
): Promise<RosterSync | undefined> {
  const services = await contextServices(deps.keyed, tenantId, contextId);
  const registration = await deps.registry.get(tenantId);
  const roster = deps.stores.analytics.roster;
  if (!services?.nrpsUrl || !registration || !roster) return undefined;
  const { members } = await deps.lti.NamesAndRoles.getMembers(
    {
      iss: registration.issuer,
      clientId: registration.clientId,
      platformContext: { namesRoles: { context_memberships_url: services.nrpsUrl } },
    },
    { pages: false },
  );
  const ids: string[] = [];
  let learners = 0;
  for (const m of members) {
    const role = kairosRole(m.roles ?? []);
    if (role === 'learner') learners++;
    ids.push(m.user_id);
    await roster.upsertPerson({
      tenantId,
      userId: m.user_id,
      // the agent a launch of this member would write as: who never launched counts as enrolled, not started
      actorKey: agentKey(ltiActor(registration.issuer, m.user_id)),
      // a member's `email`, when the LMS sends one, is dropped: Kairos never uses it (docs/operations/privacy.md)
      ...(deps.config.ltiNames ? { name: m.name, givenName: m.given_name, familyName: m.family_name } : {}),
    });
    await roster.upsertEnrollment({
      tenantId,
      contextId,
      userId: m.user_id,
      role,
      status: (m.status ?? 'Active').toLowerCase(),
      source: 'nrps',
    });
  }
  await roster.markSynced(tenantId, contextId, ids, new Date().toISOString());
  return { members: members.length, learners };
}

/**
 * Runs {@link syncRoster} in the background (after an instructor launch), at most once per context every
 * `minIntervalMs`; failures are logged, never thrown at the launch.
 */
export function rosterSyncer(deps: LtiDeps, minIntervalMs = 10 * 60_000) {
  const last = new Map<string, number>();
  const running = new Set<Promise<unknown>>();
  return {
    request(tenantId: string, contextId: string): void {
      const key = `${tenantId}\n${contextId}`;
      if (Date.now() - (last.get(key) ?? 0) < minIntervalMs) return;
      last.set(key, Date.now());
      const job = syncRoster(deps, tenantId, contextId)
        .then((r) => r && deps.logger.info({ tenantId, contextId, ...r }, 'roster synced'))
        .catch((err) => {
          last.delete(key);
          deps.logger.warn({ err, tenantId, contextId }, 'roster sync failed');
        })
        .finally(() => running.delete(job));
      running.add(job);
    },
    /** Waits for running syncs (shutdown, tests). */
    async idle(): Promise<void> {
      await Promise.allSettled([...running]);
    },
  };
}
