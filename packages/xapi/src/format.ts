import type {
  Activity,
  ActivityDefinition,
  Agent,
  Context,
  ContextActivities,
  Group,
  InteractionComponent,
  LanguageMap,
  Statement,
  StatementObject,
  SubStatement,
  Verb,
} from './types.js';

/** `format` parameter of GET /statements. */
export type StatementFormat = 'ids' | 'exact' | 'canonical';

/**
 * Parses an `Accept-Language` header into tags, best first (q-values honoured, `*` dropped).
 * @example parseAcceptLanguage('fr-CA, fr;q=0.9, en;q=0.5') // ['fr-CA', 'fr', 'en']
 */
export function parseAcceptLanguage(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((x) => x !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.tag && x.tag !== '*' && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map((x) => x.tag);
}

/**
 * Keeps the one entry of a language map that best fits `languages` (exact tag, then same primary
 * language), else `und`, else the first entry.
 */
export function pickLanguage(map: LanguageMap, languages: readonly string[] = []): LanguageMap {
  const keys = Object.keys(map);
  if (keys.length <= 1) return map;
  const lower = keys.map((k) => k.toLowerCase());
  let found: number | undefined;
  for (const wanted of languages) {
    const w = wanted.toLowerCase();
    const primary = w.split('-')[0]!;
    const exact = lower.indexOf(w);
    const prefix = exact >= 0 ? exact : lower.findIndex((k) => k.startsWith(`${w}-`));
    const sameLanguage = prefix >= 0 ? prefix : lower.findIndex((k) => k.split('-')[0] === primary);
    if (sameLanguage >= 0) {
      found = sameLanguage;
      break;
    }
  }
  found ??= lower.indexOf('und') >= 0 ? lower.indexOf('und') : 0;
  const key = keys[found]!;
  return { [key]: map[key]! };
}

/**
 * Shapes a stored statement for GET /statements `format`: `exact` returns it as received; `ids` keeps
 * only what identifies Agents, Groups (members of Anonymous Groups), Activities and Verbs;
 * `canonical` keeps one language per Activity/Verb language map, chosen from `languages`
 * (Accept-Language order). Pass a statement whose activity definitions are already the LRS's
 * canonical ones if the LRS keeps them.
 */
export function formatStatement(
  statement: Statement,
  format: StatementFormat,
  languages: string[] = [],
): Statement {
  if (format === 'exact') return statement;
  const f: Formatter = format === 'ids' ? idsFormatter : canonicalFormatter(languages);
  const out: Statement = { ...statement, actor: f.actor(statement.actor), verb: f.verb(statement.verb) };
  out.object = formatObject(statement.object, f);
  if (statement.context) out.context = formatContext(statement.context, f);
  if (statement.authority) out.authority = f.actor(statement.authority);
  return out;
}

interface Formatter {
  actor<T extends Agent | Group>(a: T): T;
  verb(v: Verb): Verb;
  activity(a: Activity): Activity;
}

const idsFormatter: Formatter = {
  actor<T extends Agent | Group>(a: T): T {
    const out: Agent | Group = a.objectType === 'Group' ? { objectType: 'Group' } : {};
    if (a.objectType === 'Agent') out.objectType = 'Agent';
    if (a.mbox !== undefined) out.mbox = a.mbox;
    else if (a.mbox_sha1sum !== undefined) out.mbox_sha1sum = a.mbox_sha1sum;
    else if (a.openid !== undefined) out.openid = a.openid;
    else if (a.account !== undefined) out.account = a.account;
    else if (a.objectType === 'Group' && a.member) {
      (out as Group).member = a.member.map((m) => idsFormatter.actor(m));
    }
    return out as T;
  },
  verb: (v) => ({ id: v.id }),
  // xAPI: with format=ids an Activity is its id alone (the conformance suite checks for one key)
  activity: (a) => ({ id: a.id }),
};

function canonicalFormatter(languages: string[]): Formatter {
  const lang = (m: LanguageMap | undefined) => (m ? pickLanguage(m, languages) : m);
  const components = (list: InteractionComponent[] | undefined) =>
    list?.map((c) => (c.description ? { ...c, description: lang(c.description)! } : c));
  return {
    actor: (a) => a,
    verb: (v) => (v.display ? { ...v, display: lang(v.display)! } : v),
    activity(a) {
      if (!a.definition) return a;
      const d: ActivityDefinition = { ...a.definition };
      if (d.name) d.name = lang(d.name)!;
      if (d.description) d.description = lang(d.description)!;
      for (const key of ['choices', 'scale', 'source', 'target', 'steps'] as const) {
        if (d[key]) d[key] = components(d[key]);
      }
      return { ...a, definition: d };
    },
  };
}

function formatObject(o: StatementObject, f: Formatter): StatementObject {
  switch (o.objectType) {
    case undefined:
    case 'Activity':
      return f.activity(o as Activity);
    case 'Agent':
    case 'Group':
      return f.actor(o);
    case 'StatementRef':
      return o;
    case 'SubStatement': {
      const sub: SubStatement = { ...o, actor: f.actor(o.actor), verb: f.verb(o.verb) };
      sub.object = formatObject(o.object, f) as SubStatement['object'];
      if (o.context) sub.context = formatContext(o.context, f);
      return sub;
    }
  }
}

function formatContext(c: Context, f: Formatter): Context {
  const out: Context = { ...c };
  if (c.instructor) out.instructor = f.actor(c.instructor);
  if (c.team) out.team = f.actor(c.team);
  if (c.contextAgents) out.contextAgents = c.contextAgents.map((x) => ({ ...x, agent: f.actor(x.agent) }));
  if (c.contextGroups) out.contextGroups = c.contextGroups.map((x) => ({ ...x, group: f.actor(x.group) }));
  if (c.contextActivities) {
    const ca: ContextActivities = {};
    for (const key of ['parent', 'grouping', 'category', 'other'] as const) {
      const list = c.contextActivities[key];
      if (list) ca[key] = (Array.isArray(list) ? list : [list as Activity]).map((a) => f.activity(a));
    }
    out.contextActivities = ca;
  }
  return out;
}
