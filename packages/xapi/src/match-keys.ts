import { agentKey } from './agent-key.js';
import type { Activity, Agent, Context, Group, Statement, StatementObject, SubStatement } from './types.js';
import { VOIDED_VERB } from './validate/statement.js';

/**
 * Precomputed keys a statement matches in `GET /statements` filters (xAPI-Communication §2.1.3).
 * Agent keys come from {@link agentKey}; UUIDs are lowercased.
 */
export interface MatchKeys {
  /** `agent` filter: the actor and an Agent/Group object, plus the members of those Groups. */
  agents: string[];
  /** `agent` + `related_agents=true`: also authority, instructor, team, contextAgents/Groups and SubStatement parts. */
  relatedAgents: string[];
  /** `verb` filter. */
  verb: string;
  /** `activity` filter: the object's id when it is an Activity. */
  activities: string[];
  /** `activity` + `related_activities=true`: also every context activity and the SubStatement's. */
  relatedActivities: string[];
  /** `registration` filter. */
  registration?: string;
  /** Id of the statement a StatementRef object points at (for the StatementRef matching rule). */
  refTarget?: string;
  /** Id of the statement this one voids (verb `voided` + StatementRef object). */
  voidingTarget?: string;
}

/**
 * Computes the filter keys of a validated statement.
 * @example matchKeys(statement).agents // ['account:https://lms.example|42']
 */
export function matchKeys(statement: Statement): MatchKeys {
  const agents = new Set<string>();
  addActor(agents, statement.actor);
  addObjectActor(agents, statement.object);
  const related = new Set(agents);
  if (statement.authority) addActor(related, statement.authority);
  addContextAgents(related, statement.context);

  const activities: string[] = [];
  const relatedActivities = new Set<string>();
  const obj = statement.object;
  if (isActivity(obj)) {
    activities.push(obj.id);
    relatedActivities.add(obj.id);
  }
  addContextActivities(relatedActivities, statement.context);
  if (obj.objectType === 'SubStatement') addSubStatement(related, relatedActivities, obj);

  const keys: MatchKeys = {
    agents: [...agents],
    relatedAgents: [...related],
    verb: statement.verb.id,
    activities,
    relatedActivities: [...relatedActivities],
  };
  const registration = statement.context?.registration;
  if (registration) keys.registration = registration.toLowerCase();
  if (obj.objectType === 'StatementRef') {
    keys.refTarget = obj.id.toLowerCase();
    if (statement.verb.id === VOIDED_VERB) keys.voidingTarget = keys.refTarget;
  }
  return keys;
}

function isActivity(o: StatementObject): o is Activity {
  return o.objectType === undefined || o.objectType === 'Activity';
}

/** Adds an Agent or Group and, per the `agent` filter rules, the members of a Group. */
function addActor(into: Set<string>, actor: Agent | Group | undefined): void {
  if (!actor) return;
  const key = agentKey(actor);
  if (key) into.add(key);
  // Members are Agents (xAPI-Data §2.4.2.2): one level, not a recursion that unchecked input could deepen.
  if (actor.objectType === 'Group' && actor.member) {
    for (const m of actor.member) {
      const k = agentKey(m);
      if (k) into.add(k);
    }
  }
}

function addObjectActor(into: Set<string>, o: StatementObject): void {
  if (o.objectType === 'Agent' || o.objectType === 'Group') addActor(into, o);
}

function addContextAgents(into: Set<string>, ctx: Context | undefined): void {
  if (!ctx) return;
  addActor(into, ctx.instructor);
  addActor(into, ctx.team);
  if (ctx.contextAgents) for (const ca of ctx.contextAgents) addActor(into, ca.agent);
  if (ctx.contextGroups) for (const cg of ctx.contextGroups) addActor(into, cg.group);
}

function addContextActivities(into: Set<string>, ctx: Context | undefined): void {
  const ca = ctx?.contextActivities;
  if (!ca) return;
  for (const list of [ca.parent, ca.grouping, ca.category, ca.other]) {
    if (!list) continue;
    // Tolerate the single-object form of unnormalized input.
    for (const a of Array.isArray(list) ? list : [list as Activity]) into.add(a.id);
  }
}

function addSubStatement(agents: Set<string>, activities: Set<string>, sub: SubStatement): void {
  addActor(agents, sub.actor);
  addObjectActor(agents, sub.object);
  addContextAgents(agents, sub.context);
  if (isActivity(sub.object)) activities.add(sub.object.id);
  addContextActivities(activities, sub.context);
}
