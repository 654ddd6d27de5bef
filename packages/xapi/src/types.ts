/**
 * TypeScript types of xAPI 1.0.3 and 2.0 (IEEE 9274.1.1) statements. Property names and shapes
 * follow xAPI-Data §2.4; 2.0-only properties are marked.
 */

/** Map of RFC 5646 language tag to text, e.g. `{ "en-US": "answered" }`. */
export type LanguageMap = Record<string, string>;

/**
 * Map of extension IRI to any JSON value (the only place `null` is allowed). Also exported as the
 * type `Extensions` (same name as the profile's extension IRI constants).
 */
export type ExtensionMap = Record<string, unknown>;

/** A user account on an existing system (LMS, intranet): one of the four IFIs. */
export interface Account {
  homePage: string;
  name: string;
}

/** Inverse Functional Identifier properties; an Agent has exactly one, an Identified Group one. */
export interface InverseFunctionalIdentifier {
  mbox?: string;
  mbox_sha1sum?: string;
  openid?: string;
  account?: Account;
}

/** An individual (person or system). `objectType` is optional except when the Agent is a statement object. */
export interface Agent extends InverseFunctionalIdentifier {
  objectType?: 'Agent';
  name?: string;
}

/** A Group: identified (has an IFI, members optional) or anonymous (no IFI, members required). */
export interface Group extends InverseFunctionalIdentifier {
  objectType: 'Group';
  name?: string;
  member?: Agent[];
}

/** Who the statement is about. */
export type Actor = Agent | Group;

/** The action: an IRI and an optional display language map. */
export interface Verb {
  id: string;
  display?: LanguageMap;
}

/** `cmi.interaction` types (xAPI-Data §2.4.4.1.1, from SCORM 2004 4th edition). */
export type InteractionType =
  | 'true-false'
  | 'choice'
  | 'fill-in'
  | 'long-fill-in'
  | 'matching'
  | 'performance'
  | 'sequencing'
  | 'likert'
  | 'numeric'
  | 'other';

/** One option of an interaction component list (`choices`, `scale`, `source`, `target`, `steps`). */
export interface InteractionComponent {
  id: string;
  description?: LanguageMap;
}

/** Metadata of an Activity, including the interaction properties for `cmi.interaction` activities. */
export interface ActivityDefinition {
  name?: LanguageMap;
  description?: LanguageMap;
  type?: string;
  moreInfo?: string;
  extensions?: ExtensionMap;
  interactionType?: InteractionType;
  correctResponsesPattern?: string[];
  choices?: InteractionComponent[];
  scale?: InteractionComponent[];
  source?: InteractionComponent[];
  target?: InteractionComponent[];
  steps?: InteractionComponent[];
}

/** A thing interacted with, identified by an IRI. */
export interface Activity {
  objectType?: 'Activity';
  id: string;
  definition?: ActivityDefinition;
}

/** A pointer to another statement by id (used for voiding and statement-about-statement). */
export interface StatementRef {
  objectType: 'StatementRef';
  id: string;
}

/** Score of a result. `scaled` is in [-1, 1]; `min` ≤ `raw` ≤ `max`. */
export interface Score {
  scaled?: number;
  raw?: number;
  min?: number;
  max?: number;
}

/** Outcome of the experience. `duration` is an ISO 8601 duration. */
export interface Result {
  score?: Score;
  success?: boolean;
  completion?: boolean;
  response?: string;
  duration?: string;
  extensions?: ExtensionMap;
}

/** Context activities; the LRS stores and returns every value as an array. */
export interface ContextActivities {
  parent?: Activity[];
  grouping?: Activity[];
  category?: Activity[];
  other?: Activity[];
}

/** xAPI 2.0: an Agent related to the statement, with IRIs saying how. */
export interface ContextAgent {
  objectType: 'contextAgent';
  agent: Agent;
  relevantTypes?: string[];
}

/** xAPI 2.0: a Group related to the statement, with IRIs saying how. */
export interface ContextGroup {
  objectType: 'contextGroup';
  group: Group;
  relevantTypes?: string[];
}

/** Circumstances of the experience. */
export interface Context {
  registration?: string;
  instructor?: Agent | Group;
  team?: Group;
  contextActivities?: ContextActivities;
  /** xAPI 2.0 only. */
  contextAgents?: ContextAgent[];
  /** xAPI 2.0 only. */
  contextGroups?: ContextGroup[];
  revision?: string;
  platform?: string;
  language?: string;
  statement?: StatementRef;
  extensions?: ExtensionMap;
}

/** Metadata of a file attached to a statement. */
export interface Attachment {
  usageType: string;
  display: LanguageMap;
  description?: LanguageMap;
  contentType: string;
  length: number;
  sha2: string;
  fileUrl?: string;
}

/** A statement used as the object of another; it has no id, stored, version or authority. */
export interface SubStatement {
  objectType: 'SubStatement';
  actor: Actor;
  verb: Verb;
  object: Activity | Agent | Group | StatementRef;
  result?: Result;
  context?: Context;
  timestamp?: string;
  attachments?: Attachment[];
}

/** What the statement is about. */
export type StatementObject = Activity | Agent | Group | StatementRef | SubStatement;

/** An xAPI statement. */
export interface Statement {
  id?: string;
  actor: Actor;
  verb: Verb;
  object: StatementObject;
  result?: Result;
  context?: Context;
  timestamp?: string;
  stored?: string;
  authority?: Agent | Group;
  version?: string;
  attachments?: Attachment[];
}
