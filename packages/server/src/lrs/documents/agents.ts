import { type Agent, agentKey, type Statement } from '@kairos/xapi';
import { type Request, type Response, Router } from 'express';
import type { RecordStore } from '../../storage/types.js';
import { filterTerm } from '../statements/prepare.js';
import { authorizeLookup } from './access.js';
import { agentParam, readQuery } from './params.js';

// Names are looked up in this many of the agent's latest statements.
const NAME_SOURCES = 50;

/** A Person Object (xAPI-Communication §2.4): every known value of each property, as arrays. */
export interface Person {
  objectType: 'Person';
  name?: string[];
  mbox?: string[];
  mbox_sha1sum?: string[];
  openid?: string[];
  account?: { homePage: string; name: string }[];
}

/** Agents and identified Groups of a statement that may carry a display name. */
function agentsOf(s: Statement): Agent[] {
  const found: Agent[] = [s.actor as Agent];
  const o = s.object as { objectType?: string };
  if (o.objectType === 'Agent' || o.objectType === 'Group') found.push(o as Agent);
  if (s.actor.objectType === 'Group') found.push(...(s.actor.member ?? []));
  return found;
}

/**
 * The Person for an agent: its identifier, and the names it was given in the request and in its latest
 * statements. Kairos links no identities, so each identifier array has one entry.
 */
export async function personFor(
  record: RecordStore,
  tenantId: string,
  agent: Agent,
  key: string,
): Promise<Person> {
  const names = new Set<string>();
  if (typeof agent.name === 'string') names.add(agent.name);
  const recent = await record.statements.query(tenantId, {
    terms: [filterTerm.agent(key, false)],
    ascending: false,
    limit: NAME_SOURCES,
  });
  for (const r of recent) {
    for (const a of agentsOf(r.statement)) {
      if (typeof a.name === 'string' && agentKey(a) === key) names.add(a.name);
    }
  }
  const person: Person = { objectType: 'Person' };
  if (names.size > 0) person.name = [...names];
  if (agent.mbox) person.mbox = [agent.mbox];
  if (agent.mbox_sha1sum) person.mbox_sha1sum = [agent.mbox_sha1sum];
  if (agent.openid) person.openid = [agent.openid];
  if (agent.account) person.account = [{ homePage: agent.account.homePage, name: agent.account.name }];
  return person;
}

/** GET/HEAD /agents?agent=… — the Person Object of an agent. */
export function agentsRouter(record: RecordStore): Router {
  const router = Router();
  router.get('/agents', async (req: Request, res: Response) => {
    const q = readQuery(req.query as Record<string, unknown>, ['agent']);
    const { agent, key } = agentParam(q, res.locals.xapiVersion);
    authorizeLookup(res.locals.principal, key);
    res.json(await personFor(record, res.locals.principal.tenantId, agent, key));
  });
  return router;
}
