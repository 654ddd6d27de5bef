import type { Activity, ActivityInput, ActivityRef, LanguageMap } from '../types.js';

/** A plain string becomes a language map in the tracker's language; a map passes through. */
export function langMap(v: string | LanguageMap | undefined, lang: string): LanguageMap | undefined {
  return typeof v === 'string' ? { [lang]: v } : v;
}

/** Turns what a developer passes (an IRI or `{ id, name, type }`) into an xAPI activity. */
export function toActivity(input: ActivityInput, lang: string, type?: string): Activity {
  if (typeof input === 'object' && 'definition' in input) return { objectType: 'Activity', ...input };
  const a = (typeof input === 'string' ? { id: input } : input) as ActivityRef;
  const definition: Activity['definition'] = {};
  const name = langMap(a.name, lang);
  const description = langMap(a.description, lang);
  if (name) definition.name = name;
  if (description) definition.description = description;
  if (a.type ?? type) definition.type = a.type ?? type;
  if (a.extensions) definition.extensions = a.extensions;
  return { objectType: 'Activity', id: a.id, definition };
}
