import { isDuration } from '../duration.js';
import { isLanguageTag, isSha2Hex } from '../formats.js';
import { checkActivity, checkStatementRef, checkUuid } from './activity.js';
import { checkActor } from './actor.js';
import { badObjectType, type Checker, describe, keySet } from './checker.js';

const RESULT_KEYS = keySet('score', 'success', 'completion', 'response', 'duration', 'extensions');
const SCORE_KEYS = keySet('scaled', 'raw', 'min', 'max');
const CONTEXT_KEYS_1 = keySet(
  'registration',
  'instructor',
  'team',
  'contextActivities',
  'revision',
  'platform',
  'language',
  'statement',
  'extensions',
);
const CONTEXT_KEYS_2 = new Set([...CONTEXT_KEYS_1, 'contextAgents', 'contextGroups']);
const CONTEXT_ACTIVITY_KEYS = keySet('parent', 'grouping', 'category', 'other');
const CONTEXT_AGENT_KEYS = keySet('objectType', 'agent', 'relevantTypes');
const CONTEXT_GROUP_KEYS = keySet('objectType', 'group', 'relevantTypes');
const ATTACHMENT_KEYS = keySet(
  'usageType',
  'display',
  'description',
  'contentType',
  'length',
  'sha2',
  'fileUrl',
);
const MEDIA_TYPE = /^[A-Za-z0-9][\w!#$&^.+-]*\/[\w!#$&^.+-]+(?:\s*;.*)?$/;

/** Checks `result` (score ranges, ISO 8601 duration). */
export function checkResult(c: Checker, value: unknown, path: string): void {
  const r = c.object(value, path, 'a Result object');
  if (!r) return;
  c.keys(r, path, RESULT_KEYS, 'a Result');
  if (r.score !== undefined) checkScore(c, r.score, `${path}.score`);
  c.boolean(r.success, `${path}.success`);
  c.boolean(r.completion, `${path}.completion`);
  c.string(r.response, `${path}.response`);
  const d = c.string(r.duration, `${path}.duration`);
  if (d !== undefined && !isDuration(d)) {
    c.add(
      `${path}.duration`,
      'duration',
      `must be an ISO 8601 duration such as "PT1M30.5S", got ${describe(d)}`,
    );
  }
  c.extensions(r.extensions, `${path}.extensions`);
}

function checkScore(c: Checker, value: unknown, path: string): void {
  const s = c.object(value, path, 'a Score object {scaled?, raw?, min?, max?}');
  if (!s) return;
  c.keys(s, path, SCORE_KEYS, 'a Score');
  const scaled = c.number(s.scaled, `${path}.scaled`);
  const raw = c.number(s.raw, `${path}.raw`);
  const min = c.number(s.min, `${path}.min`);
  const max = c.number(s.max, `${path}.max`);
  if (scaled !== undefined && (scaled < -1 || scaled > 1)) {
    c.add(`${path}.scaled`, 'score_range', `must be between -1 and 1, got ${scaled}`);
  }
  if (min !== undefined && max !== undefined && min > max) {
    c.add(`${path}.max`, 'score_range', `must not be less than min (${min}), got ${max}`);
  }
  if (raw !== undefined && min !== undefined && raw < min) {
    c.add(`${path}.raw`, 'score_range', `must not be less than min (${min}), got ${raw}`);
  }
  if (raw !== undefined && max !== undefined && raw > max) {
    c.add(`${path}.raw`, 'score_range', `must not be greater than max (${max}), got ${raw}`);
  }
}

/** Checks `context`; `objectIsActivity` gates `revision` and `platform` (xAPI-Data §2.4.6). */
export function checkContext(c: Checker, value: unknown, path: string, objectIsActivity: boolean): void {
  const ctx = c.object(value, path, 'a Context object');
  if (!ctx) return;
  const v2 = c.version === '2.0.0';
  if (!v2 && (ctx.contextAgents !== undefined || ctx.contextGroups !== undefined)) {
    for (const key of ['contextAgents', 'contextGroups']) {
      if (ctx[key] !== undefined) {
        c.add(
          `${path}.${key}`,
          'version_property',
          'exists only in xAPI 2.0: send "X-Experience-API-Version: 2.0.0"',
        );
      }
    }
  }
  c.keys(ctx, path, v2 ? CONTEXT_KEYS_2 : CONTEXT_KEYS_1, 'a Context');
  if (ctx.registration !== undefined) checkUuid(c, ctx.registration, `${path}.registration`);
  if (ctx.instructor !== undefined)
    checkActor(c, ctx.instructor, `${path}.instructor`, 'either', 'context.instructor');
  if (ctx.team !== undefined) checkActor(c, ctx.team, `${path}.team`, 'group', 'context.team');
  if (ctx.contextActivities !== undefined)
    checkContextActivities(c, ctx.contextActivities, `${path}.contextActivities`);
  for (const key of ['revision', 'platform'] as const) {
    if (ctx[key] === undefined) continue;
    c.string(ctx[key], `${path}.${key}`);
    if (!objectIsActivity) {
      c.add(
        `${path}.${key}`,
        'context_requires_activity',
        `is only allowed when the statement object is an Activity`,
      );
    }
  }
  const lang = c.string(ctx.language, `${path}.language`);
  if (lang !== undefined && !isLanguageTag(lang)) {
    c.add(
      `${path}.language`,
      'language_tag',
      `must be an RFC 5646 language tag such as "en-US", got ${describe(lang)}`,
    );
  }
  if (ctx.statement !== undefined) checkStatementRef(c, ctx.statement, `${path}.statement`);
  c.extensions(ctx.extensions, `${path}.extensions`);
  if (v2) {
    if (ctx.contextAgents !== undefined)
      checkRelevant(c, ctx.contextAgents, `${path}.contextAgents`, 'contextAgent');
    if (ctx.contextGroups !== undefined)
      checkRelevant(c, ctx.contextGroups, `${path}.contextGroups`, 'contextGroup');
  }
}

function checkContextActivities(c: Checker, value: unknown, path: string): void {
  const ca = c.object(value, path, 'an object with parent, grouping, category and/or other');
  if (!ca) return;
  c.keys(ca, path, CONTEXT_ACTIVITY_KEYS, 'contextActivities');
  for (const key of CONTEXT_ACTIVITY_KEYS) {
    const v = ca[key];
    if (v === undefined) continue;
    // A single Activity object is allowed and normalized to an array of one.
    if (Array.isArray(v)) for (let i = 0; i < v.length; i++) checkActivity(c, v[i], `${path}.${key}[${i}]`);
    else checkActivity(c, v, `${path}.${key}`);
  }
}

function checkRelevant(
  c: Checker,
  value: unknown,
  path: string,
  type: 'contextAgent' | 'contextGroup',
): void {
  const list = c.array(value, path, `an array of ${type} objects`);
  if (!list) return;
  const member = type === 'contextAgent' ? 'agent' : 'group';
  for (let i = 0; i < list.length; i++) {
    const p = `${path}[${i}]`;
    const item = c.object(list[i], p, `a ${type} object {objectType, ${member}, relevantTypes?}`);
    if (!item) continue;
    c.keys(item, p, type === 'contextAgent' ? CONTEXT_AGENT_KEYS : CONTEXT_GROUP_KEYS, `a ${type}`);
    if (item.objectType === undefined)
      c.add(`${p}.objectType`, 'required', `is required: set "objectType": "${type}"`);
    else if (item.objectType !== type) badObjectType(c, item.objectType, `${p}.objectType`, [type]);
    if (c.required(item, member, p, `a ${type}`)) {
      checkActor(
        c,
        item[member],
        `${p}.${member}`,
        member === 'agent' ? 'agent' : 'group',
        `${type}.${member}`,
      );
    }
    if (item.relevantTypes !== undefined) {
      const types = c.array(item.relevantTypes, `${p}.relevantTypes`, 'a non-empty array of IRIs');
      if (types?.length === 0)
        c.add(`${p}.relevantTypes`, 'relevant_types', 'must not be empty: list at least one IRI or omit it');
      if (types) for (let j = 0; j < types.length; j++) c.iri(types[j], `${p}.relevantTypes[${j}]`);
    }
  }
}

/** Checks `attachments` metadata (the multipart parts themselves are checked by the server). */
export function checkAttachments(c: Checker, value: unknown, path: string): void {
  const list = c.array(value, path, 'an array of Attachment objects');
  if (!list) return;
  for (let i = 0; i < list.length; i++) {
    const p = `${path}[${i}]`;
    const a = c.object(list[i], p, 'an Attachment object');
    if (!a) continue;
    c.keys(a, p, ATTACHMENT_KEYS, 'an Attachment');
    if (c.required(a, 'usageType', p, 'an Attachment'))
      c.iri(a.usageType, `${p}.usageType`, 'http://adlnet.gov/expapi/attachments/signature');
    if (c.required(a, 'display', p, 'an Attachment')) c.languageMap(a.display, `${p}.display`);
    c.languageMap(a.description, `${p}.description`);
    if (c.required(a, 'contentType', p, 'an Attachment')) {
      const t = c.string(a.contentType, `${p}.contentType`);
      if (t !== undefined && !MEDIA_TYPE.test(t)) {
        c.add(
          `${p}.contentType`,
          'content_type',
          `must be an Internet media type such as "image/png", got ${describe(t)}`,
        );
      }
    }
    if (c.required(a, 'length', p, 'an Attachment')) {
      const n = c.number(a.length, `${p}.length`);
      if (n !== undefined && (!Number.isInteger(n) || n < 0)) {
        c.add(`${p}.length`, 'integer', `must be a non-negative integer (bytes), got ${n}`);
      }
    }
    if (c.required(a, 'sha2', p, 'an Attachment')) {
      const h = c.string(a.sha2, `${p}.sha2`);
      if (h !== undefined && !isSha2Hex(h))
        c.add(`${p}.sha2`, 'sha2', 'must be the hex SHA-2 (e.g. SHA-256) of the attachment');
    }
    if (a.fileUrl !== undefined) c.iri(a.fileUrl, `${p}.fileUrl`, 'https://example.com/files/report.pdf');
  }
}
