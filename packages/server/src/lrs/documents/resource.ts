import type { XapiVersion } from '@kairos/xapi';
import { type Request, type Response, Router } from 'express';
import { HttpError } from '../../errors.js';
import type {
  DocumentKey,
  DocumentKind,
  DocumentScope,
  RecordStore,
  StoredDocument,
} from '../../storage/types.js';
import { authorizeDocument, type DocumentScopeName } from './access.js';
import { documentContent, requireValidJson } from './body.js';
import { activityIdParam, agentParam, readQuery, registrationParam, required, sinceParam } from './params.js';
import { conditionCheck } from './preconditions.js';

/** One document resource (xAPI-Communication §2.2–2.7): where it lives and what identifies a document. */
export interface DocumentResourceSpec {
  path: string;
  kind: DocumentKind;
  /** `stateId` or `profileId`. */
  idParam: 'stateId' | 'profileId';
  scope: DocumentScopeName;
  activity: boolean;
  agent: boolean;
  registration: boolean;
}

/** The three document resources. */
export const DOCUMENT_RESOURCES: readonly DocumentResourceSpec[] = [
  {
    path: '/activities/state',
    kind: 'state',
    idParam: 'stateId',
    scope: 'state',
    activity: true,
    agent: true,
    registration: true,
  },
  {
    path: '/activities/profile',
    kind: 'activity-profile',
    idParam: 'profileId',
    scope: 'profile',
    activity: true,
    agent: false,
    registration: false,
  },
  {
    path: '/agents/profile',
    kind: 'agent-profile',
    idParam: 'profileId',
    scope: 'profile',
    activity: false,
    agent: true,
    registration: false,
  },
];

type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';

interface Target {
  scope: DocumentScope;
  /** The stateId/profileId, when given. */
  id?: string;
  since?: string;
}

/** Parses and validates the query of one request to a document resource. */
function target(spec: DocumentResourceSpec, method: Method, req: Request, version: XapiVersion): Target {
  const known: string[] = [spec.idParam];
  if (spec.activity) known.push('activityId');
  if (spec.agent) known.push('agent');
  if (spec.registration) known.push('registration');
  if (method === 'GET') known.push('since');
  const q = readQuery(req.query as Record<string, unknown>, known);
  const scope: DocumentScope = { kind: spec.kind };
  if (spec.activity) scope.activityId = activityIdParam(q);
  if (spec.agent) scope.agentKey = agentParam(q, version).key;
  if (spec.registration) scope.registration = registrationParam(q);
  const id = q[spec.idParam];
  // Only State may GET or DELETE a set; profiles may GET their ids; every write names one document.
  const many = method === 'GET' || (method === 'DELETE' && spec.kind === 'state');
  if (!many || id !== undefined) {
    required(q, spec.idParam, `the ${spec.idParam === 'stateId' ? 'State' : 'profile'} document's id`);
    if (q.since !== undefined) {
      throw new HttpError(
        400,
        'invalid_query',
        `since lists ids; it cannot be combined with ${spec.idParam}`,
      );
    }
  }
  return { scope, id, since: sinceParam(q, version) };
}

function sendDocument(res: Response, doc: StoredDocument): void {
  res.setHeader('ETag', doc.etag);
  res.setHeader('Last-Modified', new Date(doc.updated).toUTCString());
  res.setHeader('Content-Type', doc.contentType);
  res.send(doc.content);
}

/** GET/HEAD, PUT, POST and DELETE on one document resource. */
export function documentResource(spec: DocumentResourceSpec, record: RecordStore): Router {
  const router = Router();
  const documents = record.documents;
  const prepare = (method: Method, req: Request, res: Response) => {
    const version: XapiVersion = res.locals.xapiVersion;
    const t = target(spec, method, req, version);
    authorizeDocument(res.locals.principal, spec.scope, method !== 'GET', t.scope.agentKey);
    const key: DocumentKey | undefined = t.id === undefined ? undefined : { ...t.scope, id: t.id };
    return { t, key, version, tenantId: res.locals.principal.tenantId as string };
  };
  const conditions = (req: Request) => ({
    ifMatch: req.get('if-match'),
    ifNoneMatch: req.get('if-none-match'),
  });

  router.get(spec.path, async (req, res) => {
    const { t, key, tenantId } = prepare('GET', req, res);
    if (key) {
      const doc = await documents.get(tenantId, key);
      if (!doc) throw new HttpError(404, 'not_found', `no document with ${spec.idParam} ${key.id} here`);
      sendDocument(res, doc);
      return;
    }
    res.json(await documents.listIds(tenantId, t.scope, t.since));
  });

  router.put(spec.path, async (req, res) => {
    const { key, version, tenantId } = prepare('PUT', req, res);
    const content = documentContent(req);
    requireValidJson(content);
    // A PUT must say what it expects when it would overwrite (409). xAPI 1.0.3 exempts State, and its
    // suite wants profiles to carry a header even when new (400); 2.0 covers every document alike.
    const require = version === '2.0.0' ? 'existing' : spec.kind === 'state' ? 'never' : 'always';
    await documents.put(tenantId, key!, content, conditionCheck(conditions(req), require));
    res.status(204).end();
  });

  router.post(spec.path, async (req, res) => {
    const { key, tenantId } = prepare('POST', req, res);
    await documents.merge(tenantId, key!, documentContent(req), conditionCheck(conditions(req)));
    res.status(204).end();
  });

  router.delete(spec.path, async (req, res) => {
    const { t, key, tenantId } = prepare('DELETE', req, res);
    if (key) await documents.delete(tenantId, key, conditionCheck(conditions(req)));
    else await documents.deleteMany(tenantId, t.scope);
    res.status(204).end();
  });

  return router;
}
