import { z } from 'zod';
import type { ApiRoute } from './route.js';

const schema = (t: z.ZodType) =>
  z.toJSONSchema(t, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });

const ErrorBody = z.object({
  code: z.string().describe('Stable machine-readable code'),
  message: z.string().describe('What went wrong and how to fix it'),
  requestId: z.string().optional(),
  issues: z.unknown().optional(),
});

const TokensBody = z.object({
  role: z.enum(['learner', 'instructor']),
  actor: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('The learner’s xAPI Agent (required for learners)'),
  contextId: z.string().optional().describe('LTI context id, or the course IRI of a course outside an LMS'),
  ttl: z.number().int().min(60).max(86_400).optional(),
  scopes: z.array(z.string()).optional(),
});

/**
 * The OpenAPI 3.1 document of `/api/v1`, generated from the routes' own zod schemas (the ones that
 * validate the requests), so the document cannot drift from what the server accepts.
 */
export function openApiDocument(
  routes: ApiRoute[],
  publicUrl: string,
  version: string,
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {
    '/tokens': {
      post: {
        summary: 'Mints a short-lived Bearer token for one user of a site (never call it from a browser)',
        security: [{ basic: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: schema(TokensBody) } } },
        responses: {
          201: {
            description: 'The token',
            content: {
              'application/json': {
                schema: schema(
                  z.object({
                    token: z.string(),
                    tokenType: z.literal('Bearer'),
                    expiresIn: z.number(),
                    endpoint: z.string(),
                  }),
                ),
              },
            },
          },
          ...errors(),
        },
      },
    },
  };
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    const parameters: unknown[] = [...r.path.matchAll(/:(\w+)/g)].map(([, name]) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
      description:
        name === 'course'
          ? 'An LTI context id of the tenant, or a URL-encoded course IRI'
          : name === 'learner'
            ? 'The learner’s agent key (`account:<homePage>|<name>`, URL-encoded), its roster id, or `me`'
            : 'A URL-encoded activity IRI',
    }));
    if (r.query) {
      const js = schema(r.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(js.properties ?? {})) {
        parameters.push({ name, in: 'query', required: js.required?.includes(name) ?? false, schema: s });
      }
    }
    const content: Record<string, unknown> = { 'application/json': { schema: schema(r.response) } };
    if (r.csv) content['text/csv'] = { schema: { type: 'string' } };
    const op: Record<string, unknown> = {
      summary: r.summary,
      description: [r.description, `Who may call it: ${r.access}.`].filter(Boolean).join('\n\n'),
      parameters,
      security: [{ basic: [] }, { bearer: [] }],
      responses: { [r.status ?? 200]: { description: r.summary, content }, ...errors() },
    };
    if (r.body) {
      const body: Record<string, unknown> = { 'application/json': { schema: schema(r.body) } };
      if (r.bodyTypes?.includes('text/csv')) body['text/csv'] = { schema: { type: 'string' } };
      op.requestBody = { required: true, content: body };
    } else if (r.bodyTypes) {
      op.requestBody = {
        required: true,
        content: Object.fromEntries(
          r.bodyTypes.map((t) => [t, { schema: t === 'text/csv' ? { type: 'string' } : {} }]),
        ),
      };
    }
    paths[path] = { ...(paths[path] ?? {}), [r.method]: op };
  }
  paths['/courses/{course}/events'] = { get: liveFeed() };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Kairos analytics API',
      version,
      description:
        'Competency mastery, stuck points and progress, read from the projection of the Kairos LRS. Every figure comes with the inputs behind it; every list also comes as CSV (`Accept: text/csv`). See docs/analytics.md for the definitions.',
    },
    servers: [{ url: `${publicUrl}/api/v1` }],
    components: {
      securitySchemes: {
        basic: { type: 'http', scheme: 'basic', description: 'An API key: `kairos keys create`' },
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A token minted at LTI launch or by POST /tokens',
        },
      },
      schemas: { Error: schema(ErrorBody) },
    },
    paths,
  };
}

/**
 * `GET /courses/{course}/events` (analytics/live/events.ts): mounted beside the routes, since it streams
 * and takes its token in the query too, so described here by hand.
 */
function liveFeed(): Record<string, unknown> {
  const { 401: unauthorized, 403: forbidden } = errors();
  return {
    summary: 'Live events of a course (server-sent events), as the projection commits them',
    description: [
      'A `text/event-stream` that stays open: `retry: 2000`, then one message per event with `id:` (a number), `event:` (its type) and `data:` (JSON with `at`, when it happened): `struggling` and `stuck` `{ learner, activity, attempts }`, `mastery` `{ learner, competency, before, after }` (levels, `null` for none), `activity` `{ learners, statements }` (who was active, at most 50, and how many statements). A comment line `: keep-alive` comes every 15 s.',
      'A new listener (no `Last-Event-ID`, no `after`) first gets `event: ready` with `{ lastEventId }` and then only what happens from then on. A reconnecting one sends `Last-Event-ID` (browsers do on their own) or `?after=` and gets every event after it still kept (a day), whichever process serves it.',
      '`EventSource` cannot send headers: give the token as `?access_token=` (redacted in logs); an `Authorization` header, when present, wins.',
      'Who may call it: instructor token of the course, or API key with analytics/read (or all/read, all); not a learner token.',
    ].join('\n\n'),
    parameters: [
      {
        name: 'course',
        in: 'path',
        required: true,
        schema: { type: 'string' },
        description: 'An LTI context id of the tenant, or a URL-encoded course IRI',
      },
      {
        name: 'access_token',
        in: 'query',
        required: false,
        schema: { type: 'string' },
        description: 'The Bearer token, for `EventSource` (which cannot send `Authorization`)',
      },
      {
        name: 'after',
        in: 'query',
        required: false,
        schema: { type: 'string', pattern: '^\\d+$' },
        description: 'Resume after this event id (as `Last-Event-ID`, for clients that cannot send it)',
      },
      {
        name: 'Last-Event-ID',
        in: 'header',
        required: false,
        schema: { type: 'string', pattern: '^\\d+$' },
        description: 'The id of the last event received: the events after it are replayed first',
      },
    ],
    security: [{ basic: [] }, { bearer: [] }],
    responses: {
      200: {
        description: 'The stream',
        content: {
          'text/event-stream': {
            schema: {
              type: 'string',
              description:
                'Server-sent events: `id:`, `event:` and `data:` lines (JSON), a blank line between messages',
            },
          },
        },
      },
      401: unauthorized,
      403: forbidden,
    },
  };
}

function errors(): Record<string, unknown> {
  const ref = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  return {
    400: { description: 'Invalid query or body (the message names each bad field)', ...ref },
    401: { description: 'No valid credential', ...ref },
    403: {
      description: 'The credential may not do this (another course, a learner’s token, a missing scope)',
      ...ref,
    },
    404: { description: 'No such course, learner or activity', ...ref },
  };
}
