import { createHash, randomUUID } from 'node:crypto';
import { DOCUMENT_RESOURCES } from '../../../packages/server/src/lrs/documents/resource.js';
import { WEIRD_AGENTS } from './mutate.js';
import type { FuzzServer } from './server.js';
import { type Target, type Template, templateTarget } from './target.js';

// GET /statements parameters, from the LRS itself; the fuzz test checks that the LRS accepts each name
export { STATEMENT_QUERY_PARAMS } from '../../../packages/server/src/lrs/statements/query.js';

const special = (name: string) =>
  name === 'agent'
    ? WEIRD_AGENTS
    : name === 'more'
      ? ['x.y', `x.${'ä'.repeat(22)}`, '.', 'e30.AAAA']
      : undefined;

/** A statement valid for the seeded course. */
export function statementOf(s: FuzzServer, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: randomUUID(),
    actor: { ...s.agent, name: 'Alice' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/answered', display: { 'en-US': 'answered' } },
    object: {
      objectType: 'Activity',
      id: s.activity,
      definition: {
        type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
        interactionType: 'choice',
        correctResponsesPattern: ['a'],
        choices: [{ id: 'a', description: { 'en-US': 'A' } }],
      },
    },
    result: {
      score: { scaled: 0.5, raw: 5, min: 0, max: 10 },
      success: true,
      response: 'a',
      duration: 'PT3S',
    },
    context: {
      registration: s.registration,
      contextActivities: { grouping: [{ id: s.course }], parent: [{ id: `${s.course}/module` }] },
      extensions: { 'https://kairos.dev/x/n': 1 },
    },
    timestamp: new Date().toISOString(),
    ...extra,
  };
}

/** A multipart/mixed statement with one attachment (xAPI-Communication §1.5.2). */
function multipart(s: FuzzServer): { type: string; text: string } {
  const content = 'attachment body';
  const sha2 = createHash('sha256').update(content).digest('hex');
  const statement = statementOf(s, {
    attachments: [
      {
        usageType: 'https://kairos.dev/usage/note',
        display: { 'en-US': 'note' },
        contentType: 'text/plain',
        length: content.length,
        sha2,
      },
    ],
  });
  const b = 'fuzzboundary';
  const text = [
    `--${b}`,
    'Content-Type: application/json',
    '',
    JSON.stringify(statement),
    `--${b}`,
    'Content-Type: text/plain',
    'Content-Transfer-Encoding: binary',
    `X-Experience-API-Hash: ${sha2}`,
    '',
    content,
    `--${b}--`,
    '',
  ].join('\r\n');
  return { type: `multipart/mixed; boundary=${b}`, text };
}

/**
 * The `/xapi` targets: the Statement resource (every query parameter, PUT, POST, batches, voiding,
 * attachments, the `more` cursor), the three document resources of `DOCUMENT_RESOURCES` with each method,
 * Agents, Activities, About, the beacon, and the alternate request syntax.
 */
export async function xapiTargets(s: FuzzServer): Promise<Target[]> {
  const headers = { authorization: s.key, 'x-experience-api-version': '2.0.0' };
  const base = { area: 'xapi', headers, special };
  const agent = JSON.stringify(s.agent);
  const page = await fetch(`${s.url}/xapi/statements?limit=1`, { headers });
  const more = new URL(((await page.json()) as { more: string }).more, s.url).searchParams.get('more')!;
  const templates: Template[] = [
    {
      ...base,
      name: 'GET statements (filters)',
      method: 'GET',
      path: '/xapi/statements',
      query: [
        ['agent', agent],
        ['verb', 'http://adlnet.gov/expapi/verbs/answered'],
        ['activity', s.activity],
        ['registration', s.registration],
        ['related_activities', 'true'],
        ['related_agents', 'false'],
        ['since', '2020-01-01T00:00:00Z'],
        ['until', new Date(Date.now() + 60_000).toISOString()],
        ['limit', '10'],
        ['format', 'canonical'],
        ['attachments', 'false'],
        ['ascending', 'true'],
      ],
    },
    {
      ...base,
      name: 'GET statements (one)',
      method: 'GET',
      path: '/xapi/statements',
      query: [
        ['statementId', s.statementId],
        ['format', 'ids'],
        ['attachments', 'true'],
      ],
    },
    {
      ...base,
      name: 'GET statements (voided)',
      method: 'GET',
      path: '/xapi/statements',
      query: [['voidedStatementId', s.statementId]],
    },
    {
      ...base,
      name: 'GET statements (more)',
      method: 'GET',
      path: '/xapi/statements',
      query: [['more', more]],
    },
    { ...base, name: 'HEAD statements', method: 'HEAD', path: '/xapi/statements', query: [['agent', agent]] },
    {
      ...base,
      name: 'GET statements (learner token)',
      method: 'GET',
      path: '/xapi/statements',
      headers: { ...headers, authorization: s.learner },
      query: [
        ['agent', agent],
        ['limit', '5'],
      ],
    },
    {
      ...base,
      name: 'PUT statement',
      method: 'PUT',
      path: '/xapi/statements',
      query: [['statementId', randomUUID()]],
      body: { kind: 'json', value: statementOf(s) },
    },
    {
      ...base,
      name: 'POST statement',
      method: 'POST',
      path: '/xapi/statements',
      body: { kind: 'json', value: statementOf(s) },
    },
    {
      ...base,
      name: 'POST statements (batch)',
      method: 'POST',
      path: '/xapi/statements',
      body: { kind: 'json', value: [statementOf(s), statementOf(s, { object: { id: `${s.activity}/b` } })] },
    },
    {
      ...base,
      name: 'POST statement (learner token)',
      method: 'POST',
      path: '/xapi/statements',
      headers: { ...headers, authorization: s.learner },
      body: { kind: 'json', value: statementOf(s) },
    },
    {
      ...base,
      name: 'POST statement (voiding)',
      method: 'POST',
      path: '/xapi/statements',
      body: {
        kind: 'json',
        value: statementOf(s, {
          verb: { id: 'http://adlnet.gov/expapi/verbs/voided' },
          object: { objectType: 'StatementRef', id: randomUUID() },
          result: undefined,
          context: undefined,
        }),
      },
    },
    {
      ...base,
      name: 'POST statement (sub-statement, group)',
      method: 'POST',
      path: '/xapi/statements',
      body: {
        kind: 'json',
        value: statementOf(s, {
          actor: { objectType: 'Group', name: 'g', member: [s.agent, { mbox: 'mailto:bob@lms.invalid' }] },
          object: {
            objectType: 'SubStatement',
            actor: s.agent,
            verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' },
            object: { id: s.activity },
          },
          authority: { objectType: 'Agent', mbox: 'mailto:auth@lms.invalid' },
          version: '2.0.0',
        }),
      },
    },
    {
      ...base,
      name: 'POST statement (attachment)',
      method: 'POST',
      path: '/xapi/statements',
      body: { kind: 'raw', ...multipart(s) },
    },
    { ...base, name: 'GET agents', method: 'GET', path: '/xapi/agents', query: [['agent', agent]] },
    {
      ...base,
      name: 'GET activities',
      method: 'GET',
      path: '/xapi/activities',
      query: [['activityId', s.activity]],
    },
    { ...base, name: 'GET about', method: 'GET', path: '/xapi/about', query: [] },
    { ...base, name: 'GET profile', method: 'GET', path: '/xapi/profile', query: [] },
    {
      ...base,
      name: 'POST beacon',
      method: 'POST',
      path: '/xapi/beacon',
      headers: {},
      body: {
        kind: 'raw',
        type: 'text/plain',
        text: JSON.stringify({
          token: s.learner.slice('Bearer '.length),
          version: '2.0.0',
          statements: [statementOf(s)],
        }),
      },
    },
    {
      ...base,
      name: 'alternate syntax (PUT state)',
      method: 'POST',
      path: '/xapi/activities/state',
      query: [['method', 'PUT']],
      headers: {},
      body: {
        kind: 'form',
        pairs: [
          ['Authorization', s.key],
          ['X-Experience-API-Version', '1.0.3'],
          ['Content-Type', 'application/json'],
          ['activityId', s.activity],
          ['agent', agent],
          ['stateId', 'alt'],
          ['content', '{"a":1}'],
        ],
      },
    },
    {
      ...base,
      name: 'alternate syntax (GET statements)',
      method: 'POST',
      path: '/xapi/statements',
      query: [['method', 'GET']],
      headers: {},
      body: {
        kind: 'form',
        pairs: [
          ['authorization', s.key],
          ['x-experience-api-version', '1.0.3'],
          ['agent', agent],
          ['limit', '2'],
        ],
      },
    },
  ];
  for (const spec of DOCUMENT_RESOURCES) {
    const id: [string, string][] = [];
    if (spec.activity) id.push(['activityId', s.activity]);
    if (spec.agent) id.push(['agent', agent]);
    if (spec.registration) id.push(['registration', s.registration]);
    const one: [string, string][] = [...id, [spec.idParam, 'doc-1']];
    const doc = { kind: 'json' as const, value: { progress: 0.5, bookmark: 'p3', nested: { a: [1, 2] } } };
    templates.push(
      { ...base, name: `PUT ${spec.path}`, method: 'PUT', path: `/xapi${spec.path}`, query: one, body: doc },
      {
        ...base,
        name: `POST ${spec.path}`,
        method: 'POST',
        path: `/xapi${spec.path}`,
        query: one,
        body: doc,
      },
      {
        ...base,
        name: `PUT ${spec.path} (binary)`,
        method: 'PUT',
        path: `/xapi${spec.path}`,
        query: [...id, [spec.idParam, 'bin']],
        headers: { ...headers, 'if-none-match': '*' },
        body: { kind: 'raw', type: 'application/octet-stream', text: '\u0000\u00ff bytes' },
      },
      { ...base, name: `GET ${spec.path}`, method: 'GET', path: `/xapi${spec.path}`, query: one },
      {
        ...base,
        name: `GET ${spec.path} (ids)`,
        method: 'GET',
        path: `/xapi${spec.path}`,
        query: [...id, ['since', '2020-01-01T00:00:00Z']],
      },
      {
        ...base,
        name: `DELETE ${spec.path}`,
        method: 'DELETE',
        path: `/xapi${spec.path}`,
        query: one,
        headers: { ...headers, 'if-match': '"0000"' },
      },
    );
    if (spec.registration)
      templates.push({
        ...base,
        name: `DELETE ${spec.path} (all)`,
        method: 'DELETE',
        path: `/xapi${spec.path}`,
        query: id,
      });
  }
  return templates.map(templateTarget);
}
