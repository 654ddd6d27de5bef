/**
 * The analytics store role (DESIGN.md "Storage"): the relational projection and every aggregate a dashboard
 * reads, on PostgreSQL or embedded PGlite, with its contract suite beside it.
 */

/**
 * One statement as the projection keeps it: who did what in which course, and what the result says,
 * normalised across tools. Every aggregate is recomputed from these rows, so they are the evidence log.
 */
export interface Fact {
  statementId: string;
  /** Storage key of the statement (UUIDv7). */
  key: string;
  /** IRI of the course (an LTI context's course IRI, or the `grouping` course IRI). */
  course: string;
  /** The enclosing sequence: `contextActivities.parent`, else the course. */
  sequence: string;
  activity: string;
  /** Agent key of the learner. */
  learner: string;
  verb: string;
  /** When it happened (the statement's timestamp, UTC ISO): the order of evidence. */
  ts: string;
  registration?: string;
  /** Attempt number (Kairos `attempt` context extension). */
  attempt?: number;
  /** The result counts as an assessment: it has a success or a score (or the verb is passed/failed). */
  assessed: boolean;
  success?: boolean;
  /** Partial credit in [0, 1]: `score.scaled`, else `(raw − min) / (max − min)`, else success as 1/0. */
  credit?: number;
  score?: { raw?: number; min?: number; max?: number; scaled?: number };
  completion: boolean;
  durationMs?: number;
  response?: string;
  interactionType?: string;
  navFrom?: string;
  navTo?: string;
  /** Competency IRIs the statement aligns the activity to (`contextActivities.other` objectives). */
  objectives: { id: string; name?: string }[];
  /** What the statement says about the activity and the course, for their names and types. */
  activityName?: string;
  activityType?: string;
  activityLevel?: string;
  courseName?: string;
  /** The activity definition's choices (for answer distributions), when it is a choice question. */
  choices?: { id: string; description?: string }[];
  correctResponses?: string[];
}

/** One generation of a tenant's projection: the active one, or one `kairos reproject` is building. */
export interface Generation {
  tenantId: string;
  gen: number;
  state: 'active' | 'building' | 'retired';
  /** Storage key of the last statement projected into it. */
  position?: string;
  /** Statements read into it. */
  statements: number;
  updatedAt: string;
}

/** A learner × activity pair (the unit the per-learner aggregates are recomputed for). */
export interface LearnerActivityKey {
  course: string;
  activity: string;
  learner: string;
}

/** A learner's mastery of a competency in a course (the unit mastery is recomputed for). */
export interface MasteryKey {
  course: string;
  learner: string;
  competency: string;
}

/** The stored BKT state of a learner × competency (see analytics/mastery). */
export interface StoredMastery extends MasteryKey {
  p: number;
  level?: string;
  evidence: number;
  streak: number;
  maitriseSuccess: boolean;
  last?: { ts: string; statementId: string };
}

/** One evidence row: a statement's contribution to a learner's mastery, with P before and after. */
export interface EvidenceRow extends MasteryKey {
  ts: string;
  statementId: string;
  activity: string;
  credit: number;
  weight: number;
  correct: boolean;
  maitrise: boolean;
  pBefore: number;
  pAfter: number;
  level?: string;
}

/** An assessed fact as mastery reads it, with the alignment that makes it evidence. */
export interface EvidenceInput extends MasteryKey {
  statementId: string;
  activity: string;
  ts: string;
  credit: number;
  correct: boolean;
  weight: number;
  maitrise: boolean;
}

/** Attempts without success from which a learner is struggling, then stuck, on an activity. */
export interface StruggleRules {
  struggling: number;
  stuck: number;
}

/** A learner × activity whose struggle crossed a threshold in a batch (for the live feed). */
export interface StruggleChange extends LearnerActivityKey {
  attempts: number;
  before: number;
}

/**
 * One projection batch, inside one transaction that holds the tenant's projector lock: every step writes
 * into generation `gen`, and {@link savePosition} commits the checkpoint with the rows (a kill -9 at any
 * point loses nothing and counts nothing twice).
 */
export interface ProjectionTx {
  /** The generation as committed (re-read under the lock: another process may have moved it). */
  generation(gen: number): Promise<Generation | undefined>;
  /** Records voided statement ids and removes their facts; returns the removed facts. */
  voidStatements(gen: number, ids: string[]): Promise<Fact[]>;
  /** Inserts facts not yet known and not voided; returns the ones inserted. */
  insertFacts(gen: number, facts: Fact[]): Promise<Fact[]>;
  /** Courses and activities (names, types, sequence) from new facts. */
  upsertStructure(gen: number, facts: Fact[]): Promise<void>;
  /** Puts off the course rows of these learners (a long catch-up recomputes them once, at its end). */
  deferLearnerCourses(gen: number, learners: { course: string; learner: string }[]): Promise<void>;
  /** Takes the learners whose course rows were put off. */
  takeDeferredLearners(gen: number): Promise<{ course: string; learner: string }[]>;
  /** Alignments (weight 1) and competencies named by statements' objectives. */
  upsertObjectives(facts: Fact[]): Promise<void>;
  /** Recomputes learner × activity rows from their facts; returns the pairs that crossed a struggle threshold. */
  recomputeLearnerActivities(
    gen: number,
    pairs: LearnerActivityKey[],
    rules: StruggleRules,
  ): Promise<StruggleChange[]>;
  /** Recomputes the course rows of these learners from their activity rows. */
  recomputeLearnerCourses(
    gen: number,
    learners: { course: string; learner: string }[],
    rules: StruggleRules,
  ): Promise<void>;
  /** The mastery keys of these pairs (through the tenant's alignments), with the alignment weights. */
  alignedKeys(gen: number, pairs: LearnerActivityKey[]): Promise<MasteryKey[]>;
  masteryStates(gen: number, keys: MasteryKey[]): Promise<StoredMastery[]>;
  /** Every evidence of these keys, from the facts, in evidence order. */
  evidenceOf(gen: number, keys: MasteryKey[]): Promise<EvidenceInput[]>;
  /** The evidence these facts give (through the alignments). */
  evidenceOfFacts(gen: number, facts: Fact[]): Promise<EvidenceInput[]>;
  /** Saves mastery states; `replace` keys get their evidence rows replaced, the others appended. */
  saveMastery(
    gen: number,
    states: StoredMastery[],
    evidence: EvidenceRow[],
    replace: MasteryKey[],
  ): Promise<void>;
  /** Navigation counts: +1 per new `experienced` fact with from/to, −1 per removed one. */
  countTransitions(gen: number, added: Fact[], removed: Fact[]): Promise<void>;
  /**
   * The latest graded result (passed, failed, completed) of each learner on each graded resource link
   * (a link with a line item) among `candidates`; returns how many changed.
   */
  recomputeGrades(
    gen: number,
    candidates: { course: string; learner: string; link: string }[],
  ): Promise<number>;
  /** Marks activities for the next course refresh. */
  markDirty(gen: number, activities: { course: string; activity: string }[]): Promise<void>;
  /** Marks every activity of a course (its settings or structure changed). */
  markCourseDirty(gen: number, course: string): Promise<void>;
  /** Mastery keys of the learners who have facts on these activities, for these competencies (alignments changed). */
  masteryKeysFor(gen: number, aligned: { activity: string; competency: string }[]): Promise<MasteryKey[]>;
  /** Appends live events of a course. */
  addEvents(events: { course: string; type: string; data: unknown }[]): Promise<void>;
  /** Moves the generation's checkpoint (with the rows written in this transaction). */
  savePosition(gen: number, position: string, statements: number): Promise<void>;
  /** Recomputes the course-level statistics of the dirty activities of a course; returns them. */
  refreshCourse(gen: number, course: string, options: RefreshOptions): Promise<string[]>;
  /** Courses with dirty activities. */
  dirtyCourses(gen: number): Promise<string[]>;
  /** Makes `gen` the active generation and retires the others. */
  activate(gen: number): Promise<void>;
}

/** Rules the course refresh applies (from the flags' and stuck points' definitions). */
export interface RefreshOptions {
  repeatedAttempts: number;
  timeFactor: number;
  /** Expected active time per activity, ms (the teacher's settings and the declared structure). */
  expectedMs: Record<string, number>;
  /** Rapid guessing: a first answer under `rapidShare` × the item's median, when the median rests on `rapidMinAnswers`. */
  rapidShare: number;
  rapidMinAnswers: number;
}

/** The projection's side of the analytics store. */
export interface ProjectionRepository {
  /** The tenant's generations, newest first. */
  generations(tenantId: string): Promise<Generation[]>;
  /** Starts a new generation (the first is active at once; later ones are built, then activated). */
  createGeneration(tenantId: string, state: 'active' | 'building'): Promise<Generation>;
  /**
   * Runs `fn` in one transaction holding the tenant's projector lock (a PostgreSQL advisory transaction
   * lock: one projector per tenant across processes, released by commit, rollback or a dead connection).
   * Resolves `{ ran: false }` at once when another process holds it. The course refresh takes a lock of its
   * own (`refresh`): it runs beside the batches, writing only rows they never write.
   */
  withLock<T>(
    tenantId: string,
    fn: (tx: ProjectionTx) => Promise<T>,
    lock?: 'batch' | 'refresh',
  ): Promise<{ ran: true; value: T } | { ran: false }>;
  /** Deletes the rows of retired generations, a slice at a time; returns how many rows went. */
  purgeRetired(tenantId: string, limit: number): Promise<number>;
  /** Tenants with a projection. */
  tenants(): Promise<string[]>;
  /**
   * Refreshes the planner's statistics of the projection's tables. Their queries are planned per course, and
   * a new course or a new generation has none until then (autovacuum may be off; embedded PGlite has none).
   */
  analyze(): Promise<void>;
}

/** A teacher's settings of a course (all optional: the definitions' defaults apply). */
export interface CourseSettings {
  /** Expected active time per activity IRI, in seconds (T compares to it; else to the class median). */
  expectedSeconds?: Record<string, number>;
  /** Overrides of the stuck-point thresholds (see analytics/stuck-points STUCK_DEFAULTS). */
  thresholds?: Record<string, number>;
  /** Show learners' names on the dashboard (default true when the roster has them). */
  showNames?: boolean;
}

/** One activity of a declared course structure. */
export interface DeclaredActivity {
  activity: string;
  sequence: string;
  sequenceTitle?: string;
  /** Order of the sequence in the course, from 1. */
  sequencePosition: number;
  /** Order of the activity in its sequence, from 1. */
  position: number;
  title?: string;
  expectedSeconds?: number;
  level?: string;
}

/** A competency (or knowledge) of a framework, identified by an IRI. */
export interface Competency {
  competency: string;
  code?: string;
  title: string;
  description?: string;
  /** `savoir` (knowledge) or `competence` (skill). */
  type?: string;
  domain?: string;
  /** `initiation`, `apprentissage` or `maitrise`. */
  expectedLevel?: string;
  framework?: string;
}

/** An imported framework. */
export interface Framework {
  framework: string;
  title: string;
  source: 'case' | 'csv' | 'api';
  items: number;
  importedAt: string;
}

/** An activity aligned to a competency, with a weight in (0, 1]. */
export interface Alignment {
  activity: string;
  competency: string;
  weight: number;
  source: 'statement' | 'api' | 'csv' | 'deep-link';
}

/** A level a teacher set by hand (shown beside the model's estimate, never instead of it). */
export interface Assessment {
  course: string;
  learner: string;
  competency: string;
  level: string;
  assessor: string;
  assessedAt: string;
  note?: string;
}

/** Tenant-wide analytics settings. */
export interface TenantSettings {
  /** BKT parameters (pInit, pTransit, pGuess, pSlip); the defaults apply where absent. */
  bkt?: Record<string, number>;
}

/** What teachers and integrators give the analytics: settings, structure, frameworks, alignments, levels. */
export interface InputsRepository {
  courseSettings(tenantId: string, course: string): Promise<CourseSettings>;
  setCourseSettings(tenantId: string, course: string, settings: CourseSettings, by: string): Promise<void>;
  structure(tenantId: string, course: string): Promise<DeclaredActivity[]>;
  /** Replaces the declared structure of a course. */
  setStructure(tenantId: string, course: string, activities: DeclaredActivity[]): Promise<void>;
  /** Adds or updates a framework and its competencies; returns how many competencies were written. */
  importFramework(
    tenantId: string,
    framework: Omit<Framework, 'importedAt' | 'items'>,
    items: Competency[],
  ): Promise<number>;
  frameworks(tenantId: string): Promise<Framework[]>;
  /** Competencies of the tenant (all, or those with these IRIs). */
  competencies(tenantId: string, ids?: string[]): Promise<Competency[]>;
  /** Adds or replaces alignments; a weight of 0 removes one. */
  setAlignments(tenantId: string, alignments: Alignment[]): Promise<void>;
  /** Alignments of the tenant (all, or of these activities). */
  alignments(tenantId: string, activities?: string[]): Promise<Alignment[]>;
  addAssessment(tenantId: string, assessment: Assessment): Promise<void>;
  /** Manual levels of a course, the latest per learner × competency (of one learner when given). */
  assessments(tenantId: string, course: string, learner?: string): Promise<Assessment[]>;
  tenantSettings(tenantId: string): Promise<TenantSettings>;
  setTenantSettings(tenantId: string, settings: TenantSettings): Promise<void>;
}

/** Who a course figure is computed over: a group's learners and/or those active between `from` and `to`. */
export interface Population {
  /** Agent keys of the learners to keep (a group). */
  learners?: string[];
  from?: string;
  to?: string;
}

/** A course as the API lists it. */
export interface CourseRow {
  course: string;
  contextId?: string;
  title?: string;
  learners: number;
  firstSeen?: string;
  lastSeen?: string;
}

/** A learner's row of a course: what the projection keeps, with the roster's name and role. */
export interface LearnerCourseRow {
  learner: string;
  userId?: string;
  name?: string;
  role?: string;
  status?: string;
  started: boolean;
  firstSeen?: string;
  lastSeen?: string;
  activeMs: number;
  reached: number;
  completed: number;
  assessed: number;
  succeeded: number;
  struggling: number;
  stuck: number;
  rapid: number;
  statements: number;
  courseCompleted: boolean;
  /** Competencies with ≥ `wheelSpinningEvidence` evidences and no `acquis`. */
  wheelSpinning: number;
}

/** An activity of a course with its class statistics (from the last course refresh). */
export interface ActivityRow {
  activity: string;
  sequence: string;
  sequenceTitle?: string;
  sequencePosition?: number;
  title?: string;
  type?: string;
  interactionType?: string;
  level?: string;
  choices?: { id: string; description?: string }[];
  correctResponses?: string[];
  position: number;
  declared: boolean;
  n: number;
  assessed: number;
  firstSuccess: number;
  repeated: number;
  slow: number;
  medianActiveMs?: number;
  referenceMs?: number;
  reference?: 'expected' | 'median';
  medianFirstAnswerMs?: number;
  firstAnswers: number;
  repeatedLearners: string[];
  slowLearners: string[];
  /** Item analysis over first attempts (the last refresh): mean credit, corrected item-rest correlation, histogram in tenths. */
  facility?: number;
  discrimination?: number;
  scores?: number[];
}

/** A learner's mastery of one competency (the model's estimate). */
export interface MasteryRow {
  learner: string;
  competency: string;
  p: number;
  level?: string;
  evidence: number;
}

/** A learner × activity row (the learner's detail). */
export interface LearnerActivityRow {
  activity: string;
  attempts: number;
  firstSuccess?: boolean;
  firstCredit?: number;
  firstAnswerMs?: number;
  bestCredit?: number;
  lastCredit?: number;
  succeeded: boolean;
  completed: boolean;
  activeMs: number;
  firstSeen: string;
  lastSeen: string;
  statements: number;
}

/** A graded result waiting to reach the grade book. */
export interface PendingGrade {
  tenantId: string;
  gen: number;
  link: string;
  learner: string;
  course: string;
  statementId: string;
  ts: string;
  verb: string;
  success?: boolean;
  completion: boolean;
  credit?: number;
  score?: { raw?: number; min?: number; max?: number };
  changedAt: string;
}

/** A live event of a course. */
export interface CourseEvent {
  id: number;
  course: string;
  at: string;
  type: string;
  data: Record<string, unknown>;
}

/** The read side: what the API serves, from pre-aggregated rows (never a scan of raw statements). */
export interface AnalyticsQueries {
  courses(tenantId: string, gen: number): Promise<CourseRow[]>;
  learners(
    tenantId: string,
    gen: number,
    course: string,
    pop: Population,
    wheelSpinningEvidence: number,
  ): Promise<LearnerCourseRow[]>;
  activities(tenantId: string, gen: number, course: string): Promise<ActivityRow[]>;
  /** Stuck-point counts over a population (a group, a period), with the course's reference times. */
  populationCounts(
    tenantId: string,
    gen: number,
    course: string,
    learners: string[],
    rules: { repeatedAttempts: number; timeFactor: number },
  ): Promise<
    Map<
      string,
      {
        n: number;
        assessed: number;
        firstSuccess: number;
        repeated: number;
        slow: number;
        repeatedLearners: string[];
        slowLearners: string[];
      }
    >
  >;
  /** Per activity, the learners whose furthest step it is, unfinished, last seen before `inactiveSince`. */
  dropped(
    tenantId: string,
    gen: number,
    course: string,
    inactiveSince: string,
  ): Promise<Map<string, string[]>>;
  mastery(tenantId: string, gen: number, course: string, learner?: string): Promise<MasteryRow[]>;
  learnerActivities(
    tenantId: string,
    gen: number,
    course: string,
    learner: string,
  ): Promise<LearnerActivityRow[]>;
  evidence(tenantId: string, gen: number, course: string, learner: string): Promise<EvidenceRow[]>;
  /** A learner's facts, newest first. */
  timeline(
    tenantId: string,
    gen: number,
    course: string,
    learner: string,
    range: { from?: string; to?: string; limit: number },
  ): Promise<Fact[]>;
  /** First attempts of every learner on every assessed activity of `sequence`. */
  firstAttempts(
    tenantId: string,
    gen: number,
    course: string,
    sequence: string,
  ): Promise<{ learner: string; item: string; credit: number; response?: string }[]>;
  /** Each learner's latest fact in a course, and latest fact with a score (one index probe per learner). */
  latest(tenantId: string, gen: number, course: string): Promise<Map<string, { last: Fact; scored?: Fact }>>;
  /** The roster's display names of these learners (agent keys), where it has one. */
  names(tenantId: string, learners: string[]): Promise<Map<string, string>>;
  /** Every learner's first response to an activity. */
  firstResponses(tenantId: string, gen: number, course: string, activity: string): Promise<string[]>;
  /** Long-text answers of a course, newest first. */
  productions(
    tenantId: string,
    gen: number,
    course: string,
    range: { from?: string; to?: string; limit: number },
  ): Promise<Fact[]>;
  transitions(
    tenantId: string,
    gen: number,
    course: string,
    limit: number,
  ): Promise<{ from: string; to: string; n: number }[]>;
  /** Events of a course after `afterId`, oldest first. */
  events(tenantId: string, course: string, afterId: number, limit: number): Promise<CourseEvent[]>;
  /** Id of the latest event of a course (0 when none). */
  lastEventId(tenantId: string, course: string): Promise<number>;
  /** Deletes events older than `before`; returns how many. */
  purgeEvents(before: string): Promise<number>;
  /** Graded results of the active generations not yet handed to grade passback. */
  pendingGrades(tenantId: string, limit: number): Promise<PendingGrade[]>;
  /** Marks graded results handed to grade passback (as they were at `changedAt`). */
  gradesHanded(grades: PendingGrade[]): Promise<void>;
}

/** The relational projection and every aggregate a dashboard reads: PostgreSQL or embedded PGlite. */
export interface AnalyticsStore {
  readonly backend: 'postgres' | 'pglite';
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** LTI contexts, resource links, learners and enrollments (launch claims, NRPS, the roster API). */
  readonly roster: RosterRepository;
  /** The projection: generations, the projector lock and the batch steps. */
  readonly projection: ProjectionRepository;
  /** Teachers' and integrators' inputs: settings, structure, frameworks, alignments, manual levels. */
  readonly inputs: InputsRepository;
  /** What the API reads. */
  readonly queries: AnalyticsQueries;
  /**
   * Runs `fn` unless another process runs work of the same `name` now (then `{ ran: false }` at once): a
   * PostgreSQL advisory lock held on a session of its own, released when `fn` ends or its process dies.
   * `fn` uses the store as usual. On PGlite (one process per data directory) it is a lock of this process.
   */
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
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

/** A person of a tenant; display names live only here (never in statements), and no e-mail address. */
export interface RosterPerson {
  tenantId: string;
  userId: string;
  actorKey?: string;
  name?: string;
  givenName?: string;
  familyName?: string;
}

/** A member of a context, with what they launched. */
export interface RosterMember extends RosterPerson {
  role: 'learner' | 'instructor' | 'other';
  status: string;
  source: 'launch' | 'nrps' | 'api';
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
    source: RosterMember['source'];
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
  /** Replaces the groups of a context and their members (user ids). */
  setGroups(
    tenantId: string,
    contextId: string,
    groups: { groupId: string; name?: string; members: string[] }[],
  ): Promise<void>;
  /** The groups of a context, with their members' agent keys. */
  groups(
    tenantId: string,
    contextId: string,
  ): Promise<{ groupId: string; name?: string; learners: string[] }[]>;
  /** The course IRIs of resource links, by link IRI (for statements that name no course). */
  courseOfLinks(tenantId: string, linkIris: string[]): Promise<Map<string, string>>;
  /** Which of these IRIs are known courses (LTI contexts, courses with a roster). */
  knownCourses(tenantId: string, iris: string[]): Promise<Set<string>>;
  getContext(tenantId: string, contextId: string): Promise<RosterContext | undefined>;
  resourceLinks(tenantId: string, contextId: string): Promise<RosterResourceLink[]>;
  members(tenantId: string, contextId: string): Promise<RosterMember[]>;
}
