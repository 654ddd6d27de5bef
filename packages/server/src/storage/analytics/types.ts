/**
 * The analytics store role (DESIGN.md "Storage"): the relational projection and every aggregate a dashboard
 * reads, on PostgreSQL or embedded PGlite, with its contract suite beside it.
 */

/** Projection progress for one projector. */
export interface Checkpoint {
  name: string;
  /** Storage key of the last statement projected. */
  position: string;
  updatedAt: string;
}

/** The relational projection and every aggregate a dashboard reads: PostgreSQL or embedded PGlite. */
export interface AnalyticsStore {
  readonly backend: 'postgres' | 'pglite';
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
  getCheckpoint(tenantId: string, name: string): Promise<Checkpoint | undefined>;
  /** Moves a checkpoint forward; never backward (an older position is ignored). */
  saveCheckpoint(tenantId: string, name: string, position: string): Promise<void>;
  /** LTI contexts, resource links, learners and enrollments (launch claims and NRPS). */
  readonly roster: RosterRepository;
}

/** An LTI context (course) as the roster keeps it. */
export interface RosterContext {
  tenantId: string;
  contextId: string;
  /** Activity IRI of the course in statements (`contextActivities.grouping`). */
  iri: string;
  label?: string;
  title?: string;
  rosterSyncedAt?: string;
}

/** An LTI resource link (a placed activity) of a context. */
export interface RosterResourceLink {
  tenantId: string;
  resourceLinkId: string;
  contextId: string;
  iri: string;
  title?: string;
  activityId?: string;
  lineItemUrl?: string;
  scoreMaximum?: number;
}

/** A person of a tenant; display names live only here (never in statements). */
export interface RosterPerson {
  tenantId: string;
  userId: string;
  actorKey?: string;
  name?: string;
  givenName?: string;
  familyName?: string;
  email?: string;
}

/** A member of a context, with what they launched. */
export interface RosterMember extends RosterPerson {
  role: 'learner' | 'instructor' | 'other';
  status: string;
  source: 'launch' | 'nrps';
  launches: { resourceLinkId: string; title?: string; count: number; lastAt: string }[];
}

/** Roster persistence in the analytics store. Upserts are idempotent. */
export interface RosterRepository {
  upsertContext(context: RosterContext): Promise<void>;
  upsertResourceLink(link: RosterResourceLink): Promise<void>;
  upsertPerson(person: RosterPerson): Promise<void>;
  upsertEnrollment(e: {
    tenantId: string;
    contextId: string;
    userId: string;
    role: RosterMember['role'];
    status?: string;
    source: 'launch' | 'nrps';
  }): Promise<void>;
  recordLaunch(l: {
    tenantId: string;
    contextId: string;
    resourceLinkId: string;
    userId: string;
    at: string;
  }): Promise<void>;
  /** Marks a roster sync: members of `contextId` absent from `userIds` (and known from NRPS) become inactive. */
  markSynced(tenantId: string, contextId: string, userIds: string[], at: string): Promise<void>;
  getContext(tenantId: string, contextId: string): Promise<RosterContext | undefined>;
  resourceLinks(tenantId: string, contextId: string): Promise<RosterResourceLink[]>;
  members(tenantId: string, contextId: string): Promise<RosterMember[]>;
}
