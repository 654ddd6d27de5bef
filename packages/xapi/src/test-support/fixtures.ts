/**
 * Valid statements of every shape, used by tests, the fuzz test and the benchmark. Several are
 * modelled on the ADL conformance suite's templates (adlnet/lrs-conformance-test-suite).
 */
import type { Activity, Statement } from '../types.js';

/** The single-object form of a context activity, which the LRS accepts and normalizes to an array. */
const single = (a: Activity) => a as unknown as Activity[];

const actor = { objectType: 'Agent', name: 'xAPI mbox', mbox: 'mailto:xapi@adlnet.gov' } as const;
const verb = {
  id: 'http://adlnet.gov/expapi/verbs/attended',
  display: { 'en-GB': 'attended', 'en-US': 'attended' },
};
const activity = { objectType: 'Activity', id: 'http://www.example.com/meetings/occurances/34534' } as const;

/** A Kairos-style statement: account actor, interaction object, result, full context. */
export const kairosAnswered: Statement = {
  id: '018f3a2c-7d4e-7b1a-9c2d-3e4f5a6b7c8d',
  actor: { objectType: 'Agent', account: { homePage: 'https://moodle.example.edu', name: 'sub-42' } },
  verb: { id: 'http://adlnet.gov/expapi/verbs/answered', display: { en: 'answered' } },
  object: {
    objectType: 'Activity',
    id: 'https://course.example.edu/quiz/1/q/3',
    definition: {
      type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
      name: { en: 'Question 3', fr: 'Question 3' },
      interactionType: 'choice',
      correctResponsesPattern: ['b'],
      choices: [
        { id: 'a', description: { en: 'Paris' } },
        { id: 'b', description: { en: 'Lyon' } },
      ],
    },
  },
  result: { score: { scaled: 1, raw: 1, min: 0, max: 1 }, success: true, response: 'b', duration: 'PT12.5S' },
  context: {
    registration: '6f1f8a0e-2b7c-4d3e-9f10-1a2b3c4d5e6f',
    contextActivities: {
      parent: [{ id: 'https://course.example.edu/quiz/1' }],
      grouping: [{ id: 'https://moodle.example.edu/course/7' }],
      category: [{ id: 'https://kairos.dev/xapi/profile/v1' }],
    },
    platform: 'Kairos',
    language: 'fr-FR',
    extensions: {
      'https://kairos.dev/xapi/extensions/attempt': 2,
      'https://kairos.dev/xapi/extensions/sdk': null,
    },
  },
  timestamp: '2024-05-01T12:30:00.123+02:00',
};

/** Valid statements covering every object type, actor kind and optional part. */
export const validStatements: Record<string, Statement> = {
  minimal: { actor, verb, object: activity },
  kairosAnswered,
  activityWithoutObjectType: {
    actor: { mbox_sha1sum: 'ebd31e95054c018b10727ccffd2ef2ec3a016ee9' },
    verb,
    object: { id: 'urn:example:1' },
  },
  openidActor: { actor: { openid: 'http://openid.example.org/12345' }, verb, object: activity },
  identifiedGroup: {
    actor: {
      objectType: 'Group',
      name: 'Team',
      mbox: 'mailto:team@example.com',
      member: [{ mbox: 'mailto:a@example.com' }],
    },
    verb,
    object: activity,
  },
  anonymousGroup: {
    actor: {
      objectType: 'Group',
      member: [{ mbox: 'mailto:a@example.com' }, { account: { homePage: 'http://x.example', name: 'b' } }],
    },
    verb,
    object: activity,
  },
  agentObject: { actor, verb, object: { objectType: 'Agent', mbox: 'mailto:other@example.com' } },
  groupObject: { actor, verb, object: { objectType: 'Group', openid: 'http://openid.example.org/g' } },
  statementRef: {
    actor,
    verb,
    object: { objectType: 'StatementRef', id: 'AA97B177-9383-4934-8543-0F91A7A02836' },
  },
  voiding: {
    actor,
    verb: { id: 'http://adlnet.gov/expapi/verbs/voided', display: { 'en-US': 'voided' } },
    object: { objectType: 'StatementRef', id: 'e05aa883-acaf-40ad-bf54-02c8ce485fb0' },
  },
  subStatement: {
    actor,
    verb,
    object: {
      objectType: 'SubStatement',
      actor: { mbox: 'mailto:sub@example.com' },
      verb: { id: 'http://example.com/verbs/will-visit' },
      object: { id: 'http://example.com/activities/museum' },
      context: {
        contextActivities: { parent: single({ id: 'http://example.com/activities/trip' }) },
        revision: 'r2',
      },
      timestamp: '2024-05-01T12:30:00Z',
    },
  },
  fullContext: {
    actor,
    verb,
    object: activity,
    result: {
      score: { scaled: -0.5 },
      completion: false,
      extensions: { 'http://example.com/ext': { a: [1, null] } },
    },
    context: {
      instructor: { mbox: 'mailto:teacher@example.com' },
      team: { objectType: 'Group', member: [{ mbox: 'mailto:a@example.com' }] },
      contextActivities: {
        other: single({
          id: 'http://example.com/objective/1',
          definition: { type: 'http://adlnet.gov/expapi/activities/objective' },
        }),
      },
      revision: '1',
      statement: { objectType: 'StatementRef', id: '16fd2706-8baf-433b-82eb-8c7fada847da' },
    },
    timestamp: '2013-05-18T05:32:34.804+00:00',
    stored: '2013-05-18T05:32:34.804Z',
    authority: {
      objectType: 'Group',
      member: [
        { account: { homePage: 'http://example.com/xAPI/OAuth/Token', name: '4cc' } },
        { mbox: 'mailto:user@example.com' },
      ],
    },
    version: '1.0.0',
  },
  attachments: {
    actor,
    verb,
    object: activity,
    attachments: [
      {
        usageType: 'http://adlnet.gov/expapi/attachments/signature',
        display: { 'en-US': 'Signature' },
        description: { 'en-US': 'A test signature' },
        contentType: 'application/octet-stream',
        length: 4235,
        sha2: '672fa5fa658017f1b72d65036f13379c6ab05d4ab3b6664908d8acf0b6a0c634',
        fileUrl: 'http://example.com/files/sig',
      },
    ],
  },
  interactionTypes: {
    actor,
    verb,
    object: {
      id: 'http://example.com/q/match',
      definition: {
        interactionType: 'matching',
        correctResponsesPattern: ['1[.]a[,]2[.]b'],
        source: [{ id: '1' }, { id: '2' }],
        target: [{ id: 'a' }, { id: 'b' }],
      },
    },
  },
};

/** xAPI 2.0-only valid statements (contextAgents, contextGroups, version 2.0.0). */
export const validStatements2: Record<string, Statement> = {
  contextAgents: {
    actor,
    verb,
    object: activity,
    version: '2.0.0',
    context: {
      contextAgents: [
        {
          objectType: 'contextAgent',
          agent: { objectType: 'Agent', mbox: 'mailto:player-1@example.com' },
          relevantTypes: ['https://example.com/xapi/activity-types/personnel/player'],
        },
      ],
      contextGroups: [
        {
          objectType: 'contextGroup',
          group: { objectType: 'Group', account: { homePage: 'https://example.com', name: 'team-a' } },
          relevantTypes: ['https://example.com/xapi/activity-types/team'],
        },
      ],
    },
  },
};
