/**
 * zod schemas of xAPI objects, for reuse in forms, tests and API layers. They check structure and
 * formats; `statementSchemaFor(version)` adds every cross-property rule by running the same
 * validator as {@link validateStatement}, so both agree. The LRS hot path uses the hand-written
 * validator (several times faster).
 */
import { z } from 'zod';
import { isDuration } from './duration.js';
import { isIri, isLanguageTag, isMailto, isSha1Hex, isSha2Hex, isUuid, timestampProblem } from './formats.js';
import { statementIssues } from './validate/index.js';
import type { XapiVersion } from './version.js';

const iri = z.string().refine(isIri, 'must be an absolute IRI with a scheme, like "http://example.com/x"');
const uuid = z.string().refine(isUuid, 'must be a UUID in standard 8-4-4-4-12 form');
const timestamp = z.string().refine((t) => !timestampProblem(t, '1.0.3'), 'must be an ISO 8601 timestamp');

/** Language map: RFC 5646 tag → string. */
export const languageMapSchema = z.record(
  z.string().refine(isLanguageTag, 'must be an RFC 5646 language tag'),
  z.string(),
);
/** Extensions: IRI → any JSON value. */
export const extensionsSchema = z.record(iri, z.unknown());
/** `account` IFI. */
export const accountSchema = z.strictObject({ homePage: iri, name: z.string() });

const ifi = {
  mbox: z.string().refine(isMailto, 'must be a mailto: IRI').optional(),
  mbox_sha1sum: z.string().refine(isSha1Hex, 'must be 40 hex digits').optional(),
  openid: iri.optional(),
  account: accountSchema.optional(),
};
const ifiCount = (a: Record<string, unknown>) =>
  Number(a.mbox !== undefined) +
  Number(a.mbox_sha1sum !== undefined) +
  Number(a.openid !== undefined) +
  Number(a.account !== undefined);

/** Agent: exactly one IFI. */
export const agentSchema = z
  .strictObject({ objectType: z.literal('Agent').optional(), name: z.string().optional(), ...ifi })
  .refine((a) => ifiCount(a) === 1, 'an Agent needs exactly one of mbox, mbox_sha1sum, openid, account');
/** Group: identified (one IFI) or anonymous (members required). */
export const groupSchema = z
  .strictObject({
    objectType: z.literal('Group'),
    name: z.string().optional(),
    member: z.array(agentSchema).optional(),
    ...ifi,
  })
  .refine((g) => ifiCount(g) <= 1, 'a Group has at most one identifier')
  .refine((g) => ifiCount(g) === 1 || (g.member?.length ?? 0) > 0, 'an Anonymous Group needs members');
/** Agent or Group. */
export const actorSchema = z.union([agentSchema, groupSchema]);
/** Verb. */
export const verbSchema = z.strictObject({ id: iri, display: languageMapSchema.optional() });

/** Interaction component (choices, scale, source, target, steps). */
export const interactionComponentSchema = z.strictObject({
  id: z.string(),
  description: languageMapSchema.optional(),
});
const components = z
  .array(interactionComponentSchema)
  .refine((list) => new Set(list.map((c) => c.id)).size === list.length, 'component ids must be distinct')
  .optional();
/** `cmi.interaction` types. */
export const interactionTypeSchema = z.enum([
  'true-false',
  'choice',
  'fill-in',
  'long-fill-in',
  'matching',
  'performance',
  'sequencing',
  'likert',
  'numeric',
  'other',
]);
/** Activity definition (interaction component lists are checked against the type by `statementSchemaFor`). */
export const activityDefinitionSchema = z.strictObject({
  name: languageMapSchema.optional(),
  description: languageMapSchema.optional(),
  type: iri.optional(),
  moreInfo: iri.optional(),
  extensions: extensionsSchema.optional(),
  interactionType: interactionTypeSchema.optional(),
  correctResponsesPattern: z.array(z.string()).optional(),
  choices: components,
  scale: components,
  source: components,
  target: components,
  steps: components,
});
/** Activity. */
export const activitySchema = z.strictObject({
  objectType: z.literal('Activity').optional(),
  id: iri,
  definition: activityDefinitionSchema.optional(),
});
/** StatementRef. */
export const statementRefSchema = z.strictObject({ objectType: z.literal('StatementRef'), id: uuid });

/** Score: scaled in [-1, 1], min ≤ raw ≤ max. */
export const scoreSchema = z
  .strictObject({
    scaled: z.number().min(-1).max(1).optional(),
    raw: z.number().optional(),
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .refine((s) => s.min === undefined || s.max === undefined || s.min <= s.max, 'min must not exceed max')
  .refine((s) => s.raw === undefined || s.min === undefined || s.raw >= s.min, 'raw must not be below min')
  .refine((s) => s.raw === undefined || s.max === undefined || s.raw <= s.max, 'raw must not exceed max');
/** Result. */
export const resultSchema = z.strictObject({
  score: scoreSchema.optional(),
  success: z.boolean().optional(),
  completion: z.boolean().optional(),
  response: z.string().optional(),
  duration: z.string().refine(isDuration, 'must be an ISO 8601 duration').optional(),
  extensions: extensionsSchema.optional(),
});
const contextActivityList = z.union([activitySchema, z.array(activitySchema)]).optional();
/** Context activities (a single Activity is accepted for each key). */
export const contextActivitiesSchema = z.strictObject({
  parent: contextActivityList,
  grouping: contextActivityList,
  category: contextActivityList,
  other: contextActivityList,
});
const relevantTypes = z.array(iri).min(1).optional();
/** xAPI 2.0 contextAgent. */
export const contextAgentSchema = z.strictObject({
  objectType: z.literal('contextAgent'),
  agent: agentSchema,
  relevantTypes,
});
/** xAPI 2.0 contextGroup. */
export const contextGroupSchema = z.strictObject({
  objectType: z.literal('contextGroup'),
  group: groupSchema,
  relevantTypes,
});
/** Context (2.0 shape; `statementSchemaFor('1.0.3')` rejects contextAgents/contextGroups). */
export const contextSchema = z.strictObject({
  registration: uuid.optional(),
  instructor: actorSchema.optional(),
  team: groupSchema.optional(),
  contextActivities: contextActivitiesSchema.optional(),
  contextAgents: z.array(contextAgentSchema).optional(),
  contextGroups: z.array(contextGroupSchema).optional(),
  revision: z.string().optional(),
  platform: z.string().optional(),
  language: z.string().refine(isLanguageTag, 'must be an RFC 5646 language tag').optional(),
  statement: statementRefSchema.optional(),
  extensions: extensionsSchema.optional(),
});
/** Attachment metadata. */
export const attachmentSchema = z.strictObject({
  usageType: iri,
  display: languageMapSchema,
  description: languageMapSchema.optional(),
  contentType: z.string().min(3),
  length: z.number().int().min(0),
  sha2: z.string().refine(isSha2Hex, 'must be a hex SHA-2 digest'),
  fileUrl: iri.optional(),
});
const core = {
  actor: actorSchema,
  verb: verbSchema,
  result: resultSchema.optional(),
  context: contextSchema.optional(),
  timestamp: timestamp.optional(),
  attachments: z.array(attachmentSchema).optional(),
};
/** SubStatement (no id, stored, version, authority; cannot nest). */
export const subStatementSchema = z.strictObject({
  objectType: z.literal('SubStatement'),
  object: z.union([activitySchema, agentSchema, groupSchema, statementRefSchema]),
  ...core,
});
/** Statement structure (formats and shapes; see `statementSchemaFor` for every rule). */
export const statementStructureSchema = z.strictObject({
  id: uuid.optional(),
  object: z.union([activitySchema, agentSchema, groupSchema, statementRefSchema, subStatementSchema]),
  stored: timestamp.optional(),
  authority: actorSchema.optional(),
  version: z.string().optional(),
  ...core,
});

/**
 * The complete statement schema for one xAPI version: every rule of {@link validateStatement} (its
 * messages and paths), then the structural schema for the typed output.
 * @example statementSchemaFor('2.0.0').safeParse(body).success
 */
export function statementSchemaFor(version: XapiVersion) {
  return z
    .unknown()
    .superRefine((value, ctx) => {
      for (const issue of statementIssues(value, { version, path: 'statement' })) {
        const path = issue.path
          .split(/\.|\[(\d+)\]/)
          .filter(Boolean)
          .slice(1)
          .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
        ctx.addIssue({ code: 'custom', message: issue.message, path });
      }
    })
    .pipe(statementStructureSchema);
}

/** Complete statement schema for xAPI 2.0.0. */
export const statementSchema = statementSchemaFor('2.0.0');
/** Complete statement schema for xAPI 1.0.3. */
export const statementSchema103 = statementSchemaFor('1.0.3');
