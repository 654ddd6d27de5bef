import type { Activity, ActivityDefinition } from '@kairos/xapi';
import { type Request, type Response, Router } from 'express';
import type { RecordStore } from '../../storage/types.js';
import { filterTerm } from '../statements/prepare.js';
import { authorizeLookup } from './access.js';
import { activityIdParam, readQuery } from './params.js';

// The canonical definition is assembled from this many of the latest statements about the activity.
const DEFINITION_SOURCES = 100;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every Activity object with id `id` in a statement: object, context activities, and a SubStatement's. */
function activitiesIn(s: Json, id: string, into: Activity[]): void {
  const object = s.object as Json | undefined;
  if (isObject(object)) {
    if ((object.objectType === undefined || object.objectType === 'Activity') && object.id === id) {
      into.push(object as unknown as Activity);
    }
    if (object.objectType === 'SubStatement') activitiesIn(object, id, into);
  }
  const ca = (s.context as Json | undefined)?.contextActivities;
  if (isObject(ca)) {
    for (const list of Object.values(ca)) {
      for (const a of Array.isArray(list) ? list : [list]) {
        if (isObject(a) && a.id === id) into.push(a as unknown as Activity);
      }
    }
  }
}

/**
 * Merges a definition onto the canonical one: language maps and extensions per key, anything else is
 * replaced (the later statement wins), so two statements with different languages give both.
 */
function mergeDefinition(into: Json, def: ActivityDefinition): void {
  for (const [k, v] of Object.entries(def as Json)) {
    if ((k === 'name' || k === 'description' || k === 'extensions') && isObject(v) && isObject(into[k])) {
      into[k] = { ...(into[k] as Json), ...v };
    } else into[k] = v;
  }
}

/**
 * The canonical Activity Object for `id` (xAPI-Communication §2.5): the definitions seen in the latest
 * statements about it, merged oldest first; at least `{ objectType, id }` when none is known.
 */
export async function canonicalActivity(
  record: RecordStore,
  tenantId: string,
  id: string,
): Promise<Activity> {
  const recent = await record.statements.query(tenantId, {
    terms: [filterTerm.activity(id, true)],
    ascending: false,
    limit: DEFINITION_SOURCES,
  });
  const seen: Activity[] = [];
  for (const r of [...recent].reverse()) activitiesIn(r.statement as unknown as Json, id, seen);
  const definition: Json = {};
  for (const a of seen) if (a.definition) mergeDefinition(definition, a.definition);
  const activity: Activity = { objectType: 'Activity', id };
  if (Object.keys(definition).length > 0) activity.definition = definition as ActivityDefinition;
  return activity;
}

/** GET/HEAD /activities?activityId=… — the canonical Activity Object. */
export function activitiesRouter(record: RecordStore): Router {
  const router = Router();
  router.get('/activities', async (req: Request, res: Response) => {
    const q = readQuery(req.query as Record<string, unknown>, ['activityId']);
    const id = activityIdParam(q);
    authorizeLookup(res.locals.principal);
    res.json(await canonicalActivity(record, res.locals.principal.tenantId, id));
  });
  return router;
}
