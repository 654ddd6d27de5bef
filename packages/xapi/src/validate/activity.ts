import { isUuid } from '../formats.js';
import { badObjectType, type Checker, describe, keySet } from './checker.js';

const ACTIVITY_KEYS = keySet('objectType', 'id', 'definition');
const DEFINITION_KEYS = keySet(
  'name',
  'description',
  'type',
  'moreInfo',
  'extensions',
  'interactionType',
  'correctResponsesPattern',
  'choices',
  'scale',
  'source',
  'target',
  'steps',
);
const COMPONENT_KEYS = keySet('id', 'description');
const STATEMENT_REF_KEYS = keySet('objectType', 'id');

/** Interaction types and the component lists each supports (xAPI-Data §2.4.4.1.1). */
export const INTERACTION_COMPONENTS: Readonly<Record<string, readonly string[]>> = {
  'true-false': [],
  choice: ['choices'],
  'fill-in': [],
  'long-fill-in': [],
  matching: ['source', 'target'],
  performance: ['steps'],
  sequencing: ['choices'],
  likert: ['scale'],
  numeric: [],
  other: [],
};
const COMPONENT_LISTS = ['choices', 'scale', 'source', 'target', 'steps'] as const;

/** Checks an Activity (`objectType` "Activity" or absent). */
export function checkActivity(c: Checker, value: unknown, path: string): void {
  const obj = c.object(value, path, 'an Activity object {objectType?, id, definition?}');
  if (!obj) return;
  c.keys(obj, path, ACTIVITY_KEYS, 'an Activity');
  if (obj.objectType !== undefined && obj.objectType !== 'Activity') {
    badObjectType(c, obj.objectType, `${path}.objectType`, ['Activity']);
  }
  if (c.required(obj, 'id', path, 'an Activity'))
    c.iri(obj.id, `${path}.id`, 'http://example.com/activities/quiz-1');
  if (obj.definition !== undefined) checkDefinition(c, obj.definition, `${path}.definition`);
}

function checkDefinition(c: Checker, value: unknown, path: string): void {
  const def = c.object(value, path, 'an Activity definition object');
  if (!def) return;
  c.keys(def, path, DEFINITION_KEYS, 'an Activity definition');
  c.languageMap(def.name, `${path}.name`);
  c.languageMap(def.description, `${path}.description`);
  if (def.type !== undefined)
    c.iri(def.type, `${path}.type`, 'http://adlnet.gov/expapi/activities/assessment');
  if (def.moreInfo !== undefined) c.iri(def.moreInfo, `${path}.moreInfo`, 'https://example.com/info');
  c.extensions(def.extensions, `${path}.extensions`);

  const type = def.interactionType;
  let supported: readonly string[] | undefined;
  if (type !== undefined) {
    if (typeof type === 'string' && Object.hasOwn(INTERACTION_COMPONENTS, type))
      supported = INTERACTION_COMPONENTS[type];
    else badObjectType(c, type, `${path}.interactionType`, Object.keys(INTERACTION_COMPONENTS));
  }
  if (def.correctResponsesPattern !== undefined) {
    if (type === undefined) {
      c.add(
        `${path}.correctResponsesPattern`,
        'interaction_type_required',
        'is only allowed with an "interactionType"',
      );
    }
    const list = c.array(
      def.correctResponsesPattern,
      `${path}.correctResponsesPattern`,
      'an array of strings',
    );
    if (list)
      for (let i = 0; i < list.length; i++) c.string(list[i], `${path}.correctResponsesPattern[${i}]`);
  }
  for (const key of COMPONENT_LISTS) {
    const listValue = def[key];
    if (listValue === undefined) continue;
    const p = `${path}.${key}`;
    if (type === undefined) {
      c.add(
        p,
        'interaction_type_required',
        `is only allowed with an "interactionType" (${key} needs ${typesWith(key)})`,
      );
    } else if (supported && !supported.includes(key)) {
      c.add(
        p,
        'interaction_component_list',
        `is not used by interactionType "${String(type)}"; ${key} belongs to ${typesWith(key)}`,
      );
    }
    checkComponents(c, listValue, p);
  }
}

function typesWith(list: string): string {
  return Object.keys(INTERACTION_COMPONENTS)
    .filter((t) => INTERACTION_COMPONENTS[t]!.includes(list))
    .map((t) => `"${t}"`)
    .join(' or ');
}

function checkComponents(c: Checker, value: unknown, path: string): void {
  const list = c.array(value, path, 'an array of interaction components {id, description?}');
  if (!list) return;
  const seen = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    const p = `${path}[${i}]`;
    const comp = c.object(list[i], p, 'an interaction component {id, description?}');
    if (!comp) continue;
    c.keys(comp, p, COMPONENT_KEYS, 'an interaction component');
    if (c.required(comp, 'id', p, 'an interaction component')) {
      const id = c.string(comp.id, `${p}.id`);
      if (id !== undefined) {
        if (seen.has(id))
          c.add(
            `${p}.id`,
            'component_id_unique',
            `duplicates id ${describe(id)}; ids in a component list must be distinct`,
          );
        seen.add(id);
      }
    }
    c.languageMap(comp.description, `${p}.description`);
  }
}

/** Checks a StatementRef `{objectType: "StatementRef", id: UUID}`. `objectType` must already be checked or absent. */
export function checkStatementRef(c: Checker, value: unknown, path: string): void {
  const obj = c.object(value, path, 'a StatementRef {objectType: "StatementRef", id}');
  if (!obj) return;
  c.keys(obj, path, STATEMENT_REF_KEYS, 'a StatementRef');
  if (obj.objectType !== 'StatementRef') {
    if (obj.objectType === undefined)
      c.add(`${path}.objectType`, 'required', 'is required: set "objectType": "StatementRef"');
    else badObjectType(c, obj.objectType, `${path}.objectType`, ['StatementRef']);
  }
  if (c.required(obj, 'id', path, 'a StatementRef')) checkUuid(c, obj.id, `${path}.id`);
}

/** Checks a UUID in standard string form. */
export function checkUuid(c: Checker, value: unknown, path: string): void {
  const s = c.string(value, path);
  if (s !== undefined && !isUuid(s)) {
    c.add(path, 'uuid', `must be a UUID like "3f2b8c1e-9a4d-4e2f-8b1a-0c9d8e7f6a5b", got ${describe(s)}`);
  }
}
