import { WEIRD_AGENTS } from './mutate.js';
import type { FuzzServer } from './server.js';
import { type Body, type Target, type Template, templateTarget } from './target.js';

/** The part of a JSON Schema (draft 2020-12, as zod writes it) the example generator reads. */
interface Schema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minItems?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  format?: string;
  additionalProperties?: Schema | boolean;
}

/** A value valid for `schema` (required fields only, the smallest numbers, the first enum member). */
export function exampleOf(schema: Schema, name = ''): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  const alt = schema.anyOf ?? schema.oneOf;
  if (alt) return exampleOf(alt.find((s) => s.type !== 'null') ?? alt[0]!, name);
  if (schema.allOf) return exampleOf(Object.assign({}, ...schema.allOf), name);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = exampleOf(schema.properties?.[key] ?? {}, key);
      return out;
    }
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 0) }, () =>
        exampleOf(schema.items ?? {}, name),
      );
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, (schema.exclusiveMinimum ?? 0) + 1);
    case 'boolean':
      return true;
    case 'string':
      if (schema.format === 'date-time') return '2026-05-01T10:00:00.000Z';
      if (schema.format === 'date') return '2026-05-01';
      if (schema.format === 'uri' || /activity|competency|iri|id$/i.test(name))
        return 'https://site.example/c/x';
      if (schema.pattern === '^\\d+$') return '1';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    default:
      return 'x';
  }
}

/** A string form of a query parameter's example. */
const asQuery = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

interface Operation {
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
}

/** Known-good bodies the schema alone cannot invent (CSV imports). */
function csvBody(path: string, s: FuzzServer): string {
  if (path === '/frameworks')
    return 'code,title,type,domain,expected level\nNC1,Comparer,competence,Nombres,maitrise\n';
  return `activity,competency,weight\n${s.activity},NC1,1\n`;
}

/**
 * The `/api/v1` targets, read from the server's own OpenAPI document (`GET /api/v1/openapi.json`, generated
 * from the zod schemas that validate requests): every path and method, every path and query parameter,
 * every request body in each content type it takes — plus the forwarder routes, which the document does
 * not list. Path parameters name the seeded course, learner and activity; the credential is the `all` key,
 * and for course reads also the instructor token.
 */
export async function apiTargets(s: FuzzServer): Promise<Target[]> {
  const doc = (await (await fetch(`${s.url}/api/v1/openapi.json`)).json()) as {
    paths: Record<string, Record<string, Operation>>;
  };
  const params = { course: s.course, learner: s.agentKey, activity: s.activity, id: 'f-unknown' };
  const special = (name: string) =>
    name === 'learner' ? ['me', 'alice', 'account:x', ...WEIRD_AGENTS.slice(0, 4)] : undefined;
  const templates: Template[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const query: [string, string][] = [];
      for (const p of op.parameters ?? []) {
        if (p.in !== 'query' || p.name === 'access_token') continue;
        // the required ones, and every optional one too: each is then mutated or dropped
        query.push([p.name, asQuery(exampleOf(p.schema ?? {}, p.name))]);
      }
      const bodies: (Body | undefined)[] = [];
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
        if (type === 'application/json') bodies.push({ kind: 'json', value: exampleOf(media.schema ?? {}) });
        else if (type === 'text/csv') bodies.push({ kind: 'raw', type, text: csvBody(path, s) });
      }
      if (bodies.length === 0) bodies.push(undefined);
      const auths =
        path.startsWith('/courses/{course}') && method === 'get' ? [s.key, s.instructor] : [s.key];
      for (const body of bodies)
        for (const authorization of auths)
          templates.push({
            area: 'api',
            name: `${method.toUpperCase()} ${path}${body?.kind === 'raw' ? ' (CSV)' : ''}${authorization === s.instructor ? ' (instructor)' : ''}`,
            method: method.toUpperCase(),
            path: `/api/v1${path}`,
            params,
            query,
            headers: { authorization },
            body,
            special,
          });
    }
  }
  if (path(templates, '/api/v1/tokens')) {
    const t = path(templates, '/api/v1/tokens')!;
    t.body = {
      kind: 'json',
      value: { role: 'learner', actor: s.agent, ttl: 600, scopes: ['statements/write'] },
    };
    templates.push({
      ...t,
      name: 'POST /tokens (instructor)',
      body: { kind: 'json', value: { role: 'instructor', contextId: 'c1' } },
    });
  }
  const key = { authorization: s.key };
  templates.push(
    {
      area: 'api',
      name: 'GET /forwarders',
      method: 'GET',
      path: '/api/v1/forwarders',
      headers: key,
      query: [],
    },
    {
      area: 'api',
      name: 'POST /forwarders',
      method: 'POST',
      path: '/api/v1/forwarders',
      headers: key,
      body: {
        kind: 'json',
        value: {
          endpoint: 'https://lrs.invalid/xapi/',
          username: 'k',
          password: 'forward-secret',
          filter: { activity: s.activity },
        },
      },
    },
    {
      area: 'api',
      name: 'GET /forwarders/{id}',
      method: 'GET',
      path: '/api/v1/forwarders/{id}',
      params,
      headers: key,
    },
    {
      area: 'api',
      name: 'POST /forwarders/{id}/retry',
      method: 'POST',
      path: '/api/v1/forwarders/{id}/retry',
      params,
      headers: key,
    },
    {
      area: 'api',
      name: 'DELETE /forwarders/{id}',
      method: 'DELETE',
      path: '/api/v1/forwarders/{id}',
      params,
      headers: key,
    },
  );
  return templates.map(templateTarget);
}

const path = (ts: Template[], p: string) => ts.find((t) => t.path === p && t.method === 'POST');
