import { describe, expect, it } from 'vitest';
import { XapiValidationError } from '../errors.js';
import { kairosAnswered, validStatements, validStatements2 } from '../test-support/fixtures.js';
import type { XapiVersion } from '../version.js';
import { statementIssues, validateStatement, validateStatements } from './index.js';

const base = () => structuredClone(validStatements.minimal) as Record<string, any>;
const clone = <T>(v: T): any => structuredClone(v);

describe('valid statements', () => {
  for (const version of ['1.0.3', '2.0.0'] as const) {
    for (const [name, statement] of Object.entries(validStatements)) {
      it(`accepts ${name} (${version})`, () => {
        expect(statementIssues(statement, { version })).toEqual([]);
      });
    }
  }
  for (const [name, statement] of Object.entries(validStatements2)) {
    it(`accepts ${name} in 2.0.0 and rejects it in 1.0.3`, () => {
      expect(statementIssues(statement, { version: '2.0.0' })).toEqual([]);
      expect(statementIssues(statement, { version: '1.0.3' }).map((i) => i.rule)).toContain(
        'version_property',
      );
    });
  }

  it('returns a batch in order, unchanged but for contextActivities arrays, without mutating input', () => {
    const input = [
      clone(validStatements.subStatement),
      clone(kairosAnswered),
      clone(validStatements.fullContext),
    ];
    const before = JSON.stringify(input);
    const out = validateStatements(input, { version: '2.0.0' });
    expect(JSON.stringify(input)).toBe(before);
    expect(out[1]).toBe(input[1]); // nothing to normalize: same object
    expect((out[0]!.object as any).context.contextActivities.parent).toEqual([
      { id: 'http://example.com/activities/trip' },
    ]);
    expect(out[2]!.context!.contextActivities!.other).toHaveLength(1);
    expect(out.map((s) => s.verb.id)).toEqual(input.map((s) => s.verb.id));
  });

  it('validates a single object as a one-statement batch', () => {
    expect(validateStatements(base(), { version: '1.0.3' })).toHaveLength(1);
    expect(validateStatement(base(), { version: '1.0.3' }).verb.id).toBe(base().verb.id);
  });
});

type Case = [name: string, mutate: (s: any) => void, path: string, rule: string, version?: XapiVersion];

const cases: Case[] = [
  ['null outside extensions', (s) => (s.verb.display = null), 'statement.verb.display', 'null'],
  ['null in a language map', (s) => (s.verb.display['en-US'] = null), 'statement.verb.display.en-US', 'null'],
  ['unknown key', (s) => (s.foo = 1), 'statement.foo', 'unknown_property'],
  ['wrong key case', (s) => (s.Actor = s.actor), 'statement.Actor', 'unknown_property'],
  [
    'wrong objectType case',
    (s) => (s.object.objectType = 'activity'),
    'statement.object.objectType',
    'object_type',
  ],
  [
    'unknown objectType',
    (s) => (s.object.objectType = 'Thing'),
    'statement.object.objectType',
    'object_type',
  ],
  ['string for boolean', (s) => (s.result = { success: 'true' }), 'statement.result.success', 'type'],
  ['string for number', (s) => (s.result = { score: { raw: '5' } }), 'statement.result.score.raw', 'type'],
  ['schemeless IRI', (s) => (s.verb.id = 'www.example.com/verb'), 'statement.verb.id', 'iri'],
  ['bad scheme', (s) => (s.object.id = 'ab=c://should.fail.com'), 'statement.object.id', 'iri'],
  ['empty IRI', (s) => (s.object.id = ''), 'statement.object.id', 'iri'],
  ['mbox without mailto', (s) => (s.actor.mbox = 'xapi@adlnet.gov'), 'statement.actor.mbox', 'mbox'],
  ['mbox without @', (s) => (s.actor.mbox = 'mailto:should.fail.com'), 'statement.actor.mbox', 'mbox'],
  [
    'mbox_sha1sum not hex',
    (s) => (s.actor = { mbox_sha1sum: 'z'.repeat(40) }),
    'statement.actor.mbox_sha1sum',
    'mbox_sha1sum',
  ],
  [
    'mbox_sha1sum short',
    (s) => (s.actor = { mbox_sha1sum: 'ab' }),
    'statement.actor.mbox_sha1sum',
    'mbox_sha1sum',
  ],
  ['openid not a URI', (s) => (s.actor = { openid: 'abc' }), 'statement.actor.openid', 'iri'],
  [
    'account without homePage',
    (s) => (s.actor = { account: { name: 'x' } }),
    'statement.actor.account.homePage',
    'required',
  ],
  [
    'account homePage not IRL',
    (s) => (s.actor = { account: { homePage: 'x', name: 'x' } }),
    'statement.actor.account.homePage',
    'iri',
  ],
  [
    'agent with two IFIs',
    (s) => (s.actor.openid = 'http://openid.example.com/1'),
    'statement.actor',
    'ifi_multiple',
  ],
  ['agent with no IFI', (s) => (s.actor = { name: 'x' }), 'statement.actor', 'ifi_required'],
  [
    'identified group with two IFIs',
    (s) => (s.actor = { objectType: 'Group', mbox: 'mailto:g@x.y', openid: 'http://o.x/1' }),
    'statement.actor',
    'ifi_multiple',
  ],
  [
    'anonymous group without members',
    (s) => (s.actor = { objectType: 'Group', name: 'g' }),
    'statement.actor.member',
    'anonymous_group_members',
  ],
  [
    'anonymous group with empty members',
    (s) => (s.actor = { objectType: 'Group', member: [] }),
    'statement.actor.member',
    'anonymous_group_members',
  ],
  [
    'group member that is a group',
    (s) => (s.actor = { objectType: 'Group', member: [{ objectType: 'Group', mbox: 'mailto:g@x.y' }] }),
    'statement.actor.member[0].objectType',
    'group_not_allowed',
  ],
  [
    'bad member IFI',
    (s) => (s.actor = { objectType: 'Group', member: [{ mbox: 'bad' }] }),
    'statement.actor.member[0].mbox',
    'mbox',
  ],
  [
    'agent object without objectType is an Activity',
    (s) => (s.object = { mbox: 'mailto:a@b.c' }),
    'statement.object.mbox',
    'unknown_property',
  ],
  ['invalid statement id', (s) => (s.id = 'AA97B177-9383-4934-8543-0F91A7A028368'), 'statement.id', 'uuid'],
  ['non-hex uuid', (s) => (s.id = 'MA97B177-9383-4934-8543-0F91A7A02836'), 'statement.id', 'uuid'],
  [
    'numeric registration',
    (s) => (s.context = { registration: 12345 }),
    'statement.context.registration',
    'type',
  ],
  [
    'bad StatementRef id',
    (s) => (s.object = { objectType: 'StatementRef', id: 'x' }),
    'statement.object.id',
    'uuid',
  ],
  [
    'StatementRef without objectType in context',
    (s) => (s.context = { statement: { id: '16fd2706-8baf-433b-82eb-8c7fada847da' } }),
    'statement.context.statement.objectType',
    'required',
  ],
  ['timestamp not a date', (s) => (s.timestamp = '01/011/2015'), 'statement.timestamp', 'timestamp'],
  [
    'timestamp -00:00',
    (s) => (s.timestamp = '2008-09-15T15:53:00.601-00:00'),
    'statement.timestamp',
    'timestamp',
  ],
  [
    'timestamp -0000',
    (s) => (s.timestamp = '2008-09-15T15:53:00.601-0000'),
    'statement.timestamp',
    'timestamp',
    '1.0.3',
  ],
  ['timestamp -00', (s) => (s.timestamp = '2008-09-15T15:53:00.601-00'), 'statement.timestamp', 'timestamp'],
  ['timestamp 13th month', (s) => (s.timestamp = '2008-13-15T15:53:00Z'), 'statement.timestamp', 'timestamp'],
  [
    'timestamp without offset in 2.0',
    (s) => (s.timestamp = '2008-09-15T15:53:00'),
    'statement.timestamp',
    'timestamp',
    '2.0.0',
  ],
  ['stored not a date', (s) => (s.stored = 'yesterday'), 'statement.stored', 'timestamp'],
  ['invalid duration', (s) => (s.result = { duration: 'PA1H0M0S' }), 'statement.result.duration', 'duration'],
  [
    'weeks mixed with days',
    (s) => (s.result = { duration: 'P4W1D' }),
    'statement.result.duration',
    'duration',
  ],
  [
    'bad language tag',
    (s) => (s.verb.display = { a12345678: 'x' }),
    'statement.verb.display.a12345678',
    'language_tag',
  ],
  [
    'bad context language',
    (s) => (s.context = { language: 'english!' }),
    'statement.context.language',
    'language_tag',
  ],
  [
    'scaled above 1',
    (s) => (s.result = { score: { scaled: 1.5 } }),
    'statement.result.score.scaled',
    'score_range',
  ],
  [
    'scaled below -1',
    (s) => (s.result = { score: { scaled: -1.01 } }),
    'statement.result.score.scaled',
    'score_range',
  ],
  [
    'raw above max',
    (s) => (s.result = { score: { raw: 11, min: 0, max: 10 } }),
    'statement.result.score.raw',
    'score_range',
  ],
  [
    'raw below min',
    (s) => (s.result = { score: { raw: -1, min: 0 } }),
    'statement.result.score.raw',
    'score_range',
  ],
  [
    'min above max',
    (s) => (s.result = { score: { min: 5, max: 1 } }),
    'statement.result.score.max',
    'score_range',
  ],
  [
    'bad interactionType',
    (s) => (s.object.definition = { interactionType: 'Choice' }),
    'statement.object.definition.interactionType',
    'object_type',
  ],
  [
    'correctResponsesPattern not an array',
    (s) => (s.object.definition = { interactionType: 'choice', correctResponsesPattern: 'a' }),
    'statement.object.definition.correctResponsesPattern',
    'type',
  ],
  [
    'correctResponsesPattern with a number',
    (s) => (s.object.definition = { interactionType: 'numeric', correctResponsesPattern: [4] }),
    'statement.object.definition.correctResponsesPattern[0]',
    'type',
  ],
  [
    'choices on likert',
    (s) => (s.object.definition = { interactionType: 'likert', choices: [{ id: 'a' }] }),
    'statement.object.definition.choices',
    'interaction_component_list',
  ],
  [
    'scale on true-false',
    (s) => (s.object.definition = { interactionType: 'true-false', scale: [{ id: 'a' }] }),
    'statement.object.definition.scale',
    'interaction_component_list',
  ],
  [
    'components without interactionType',
    (s) => (s.object.definition = { steps: [{ id: 'a' }] }),
    'statement.object.definition.steps',
    'interaction_type_required',
  ],
  [
    'duplicate component ids',
    (s) => (s.object.definition = { interactionType: 'choice', choices: [{ id: 'a' }, { id: 'a' }] }),
    'statement.object.definition.choices[1].id',
    'component_id_unique',
  ],
  [
    'component without id',
    (s) => (s.object.definition = { interactionType: 'sequencing', choices: [{ description: { en: 'x' } }] }),
    'statement.object.definition.choices[0].id',
    'required',
  ],
  [
    'nested SubStatement',
    (s) =>
      (s.object = {
        objectType: 'SubStatement',
        actor: s.actor,
        verb: s.verb,
        object: { objectType: 'SubStatement', actor: s.actor, verb: s.verb, object: s.object },
      }),
    'statement.object.object.objectType',
    'substatement_nesting',
  ],
  [
    'SubStatement with id',
    (s) =>
      (s.object = {
        objectType: 'SubStatement',
        id: '16fd2706-8baf-433b-82eb-8c7fada847da',
        actor: s.actor,
        verb: s.verb,
        object: s.object,
      }),
    'statement.object.id',
    'substatement_property',
  ],
  [
    'SubStatement with authority',
    (s) =>
      (s.object = {
        objectType: 'SubStatement',
        authority: s.actor,
        actor: s.actor,
        verb: s.verb,
        object: s.object,
      }),
    'statement.object.authority',
    'substatement_property',
  ],
  [
    'SubStatement without verb',
    (s) => (s.object = { objectType: 'SubStatement', actor: s.actor, object: s.object }),
    'statement.object.verb',
    'required',
  ],
  [
    'voided verb with Activity object',
    (s) => (s.verb = { id: 'http://adlnet.gov/expapi/verbs/voided' }),
    'statement.object',
    'voided_object',
  ],
  ['version 1.1.0', (s) => (s.version = '1.1.0'), 'statement.version', 'version'],
  ['version 0.9.9', (s) => (s.version = '0.9.9'), 'statement.version', 'version'],
  ['version 2.0.0 in 1.0.3', (s) => (s.version = '2.0.0'), 'statement.version', 'version', '1.0.3'],
  [
    'revision with Agent object',
    (s) => {
      s.object = { objectType: 'Agent', mbox: 'mailto:o@x.y' };
      s.context = { revision: 'r' };
    },
    'statement.context.revision',
    'context_requires_activity',
  ],
  [
    'platform with StatementRef object',
    (s) => {
      s.object = { objectType: 'StatementRef', id: '16fd2706-8baf-433b-82eb-8c7fada847da' };
      s.context = { platform: 'p' };
    },
    'statement.context.platform',
    'context_requires_activity',
  ],
  [
    'team that is an Agent',
    (s) => (s.context = { team: { mbox: 'mailto:t@x.y' } }),
    'statement.context.team.objectType',
    'required',
  ],
  [
    'contextActivities unknown key',
    (s) => (s.context = { contextActivities: { parents: [] } }),
    'statement.context.contextActivities.parents',
    'unknown_property',
  ],
  [
    'contextActivities non-activity',
    (s) => (s.context = { contextActivities: { parent: [{ id: 'nope' }] } }),
    'statement.context.contextActivities.parent[0].id',
    'iri',
  ],
  [
    'contextAgents bad objectType',
    (s) => (s.context = { contextAgents: [{ objectType: 'Should fail', agent: { mbox: 'mailto:a@b.c' } }] }),
    'statement.context.contextAgents[0].objectType',
    'object_type',
    '2.0.0',
  ],
  [
    'contextAgents bad agent',
    (s) => (s.context = { contextAgents: [{ objectType: 'contextAgent', agent: { key: 'x' } }] }),
    'statement.context.contextAgents[0].agent.key',
    'unknown_property',
    '2.0.0',
  ],
  [
    'contextAgents empty relevantTypes',
    (s) =>
      (s.context = {
        contextAgents: [{ objectType: 'contextAgent', agent: { mbox: 'mailto:a@b.c' }, relevantTypes: [] }],
      }),
    'statement.context.contextAgents[0].relevantTypes',
    'relevant_types',
    '2.0.0',
  ],
  [
    'contextAgents non-IRI relevantType',
    (s) =>
      (s.context = {
        contextAgents: [
          { objectType: 'contextAgent', agent: { mbox: 'mailto:a@b.c' }, relevantTypes: ['abc'] },
        ],
      }),
    'statement.context.contextAgents[0].relevantTypes[0]',
    'iri',
    '2.0.0',
  ],
  [
    'contextGroups with an Agent',
    (s) => (s.context = { contextGroups: [{ objectType: 'contextGroup', group: { mbox: 'mailto:a@b.c' } }] }),
    'statement.context.contextGroups[0].group.objectType',
    'required',
    '2.0.0',
  ],
  [
    'contextAgents in 1.0.3',
    (s) => (s.context = { contextAgents: [] }),
    'statement.context.contextAgents',
    'version_property',
    '1.0.3',
  ],
  [
    'attachment usageType not IRI',
    (s) => (s.attachments = [{ ...validStatements.attachments!.attachments![0], usageType: 'sig' }]),
    'statement.attachments[0].usageType',
    'iri',
  ],
  [
    'attachment length not integer',
    (s) => (s.attachments = [{ ...validStatements.attachments!.attachments![0], length: 1.5 }]),
    'statement.attachments[0].length',
    'integer',
  ],
  [
    'attachment length string',
    (s) => (s.attachments = [{ ...validStatements.attachments!.attachments![0], length: '10' }]),
    'statement.attachments[0].length',
    'type',
  ],
  [
    'attachment without display',
    (s) => {
      const { display: _, ...a } = validStatements.attachments!.attachments![0]!;
      s.attachments = [a];
    },
    'statement.attachments[0].display',
    'required',
  ],
  [
    'attachment bad sha2',
    (s) => (s.attachments = [{ ...validStatements.attachments!.attachments![0], sha2: 'abc' }]),
    'statement.attachments[0].sha2',
    'sha2',
  ],
  [
    'attachment bad contentType',
    (s) => (s.attachments = [{ ...validStatements.attachments!.attachments![0], contentType: 'text' }]),
    'statement.attachments[0].contentType',
    'content_type',
  ],
  [
    'attachment fileUrl not IRL',
    (s) => (s.attachments = [{ ...validStatements.attachments!.attachments![0], fileUrl: 'files/x' }]),
    'statement.attachments[0].fileUrl',
    'iri',
  ],
  [
    'authority identified group',
    (s) =>
      (s.authority = {
        objectType: 'Group',
        mbox: 'mailto:g@x.y',
        member: [{ mbox: 'mailto:a@x.y' }, { mbox: 'mailto:b@x.y' }],
      }),
    'statement.authority',
    'authority_group',
  ],
  [
    'authority group of three',
    (s) =>
      (s.authority = {
        objectType: 'Group',
        member: [{ mbox: 'mailto:a@x.y' }, { mbox: 'mailto:b@x.y' }, { mbox: 'mailto:c@x.y' }],
      }),
    'statement.authority.member',
    'authority_group',
  ],
  [
    'extension key not IRI',
    (s) => (s.result = { extensions: { foo: 1 } }),
    'statement.result.extensions.foo',
    'iri',
  ],
  ['missing actor', (s) => delete s.actor, 'statement.actor', 'required'],
  ['array as object', (s) => (s.object = [s.object]), 'statement.object', 'type'],
];

describe('rejections name the exact path and rule', () => {
  for (const [name, mutate, path, rule, only] of cases) {
    for (const version of only ? [only] : (['1.0.3', '2.0.0'] as const)) {
      it(`${name} (${version})`, () => {
        const s = base();
        mutate(s);
        const issues = statementIssues(s, { version });
        expect(issues).toContainEqual(expect.objectContaining({ path, rule }));
        const issue = issues.find((i) => i.path === path && i.rule === rule)!;
        expect(issue.message.startsWith(`${path}: `)).toBe(true);
        expect(() => validateStatement(s, { version })).toThrow(XapiValidationError);
      });
    }
  }

  it('prefixes batch paths with the index and rejects the whole batch', () => {
    const bad = base();
    bad.actor.mbox = 'someone@example.com';
    try {
      validateStatements([base(), base(), base(), bad], { version: '2.0.0' });
      expect.unreachable();
    } catch (e) {
      const err = e as XapiValidationError;
      expect(err.code).toBe('xapi_invalid');
      expect(err.issues).toEqual([
        {
          path: 'statement[3].actor.mbox',
          rule: 'mbox',
          message:
            'statement[3].actor.mbox: must be a mailto: IRI such as "mailto:someone@example.com", got the string "someone@example.com"',
        },
      ]);
      expect(err.message).toBe(err.issues[0]!.message);
    }
  });

  it('rejects non-objects and an empty batch', () => {
    for (const input of [null, 'x', 42, []]) {
      expect(() => validateStatements(input, { version: '1.0.3' })).toThrow(XapiValidationError);
    }
  });

  it('suggests the right case for a misspelt key', () => {
    const s = base();
    s.verb.ID = s.verb.id;
    delete s.verb.id;
    const messages = statementIssues(s, { version: '2.0.0' }).map((i) => i.message);
    expect(messages).toContain('statement.verb.ID: property names are case-sensitive: use "id"');
  });

  it('accepts version 1.0, 1.0.9 and, in 2.0, 2.0.0', () => {
    for (const version of ['1.0', '1.0.9'])
      expect(statementIssues({ ...base(), version }, { version: '1.0.3' })).toEqual([]);
    expect(statementIssues({ ...base(), version: '2.0.0' }, { version: '2.0.0' })).toEqual([]);
  });
});
