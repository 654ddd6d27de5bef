import { HttpError } from '../../errors.js';
import type { Competency } from '../../storage/types.js';
import { csvRecords } from './csv.js';

/** A framework read from a file, ready to store. */
export interface ParsedFramework {
  framework: string;
  title: string;
  source: 'case' | 'csv';
  competencies: Competency[];
}

const TYPES = new Set(['savoir', 'competence']);
const LEVELS = new Set(['initiation', 'apprentissage', 'maitrise']);
const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

/** Header aliases, English and French. */
const COLUMNS: Record<string, string[]> = {
  code: ['code'],
  title: ['title', 'titre', 'intitule', 'label', 'libelle'],
  type: ['type', 'competency_type'],
  domain: ['domain', 'domaine'],
  level: ['level', 'expected_level', 'level_expected', 'niveau', 'niveau_attendu'],
  iri: ['iri', 'uri', 'id'],
  description: ['description'],
};

/** The IRI of a competency known by its code only. */
export const competencyIri = (framework: string, code: string) =>
  `urn:kairos:competency:${encodeURIComponent(framework)}:${encodeURIComponent(code)}`;

/**
 * A framework from CSV: one competency per line with `code`, `title`, `type` (savoir | competence),
 * `domain` and the expected level (initiation | apprentissage | maitrise); `iri` and `description` are
 * optional. Every bad line is reported with its number; nothing is imported when one is bad.
 */
export function frameworkFromCsv(text: string, framework: string, title?: string): ParsedFramework {
  const { header, records } = csvRecords(text);
  const col = (name: string) => header.find((h) => COLUMNS[name]!.includes(fold(h).replace(/[\s-]+/g, '_')));
  const [code, name] = [col('code'), col('title')];
  if (!code || !name) {
    throw new HttpError(
      400,
      'invalid_framework',
      'the CSV needs a header line with at least the columns code and title',
    );
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  const competencies = records.map((r, i): Competency => {
    const line = i + 2;
    const c = r[code] ?? '';
    const type = col('type') ? fold(r[col('type')!] ?? '') : '';
    const level = col('level') ? fold(r[col('level')!] ?? '') : '';
    if (!c) problems.push(`line ${line}: code is empty`);
    if (seen.has(c)) problems.push(`line ${line}: code ${c} appears twice`);
    seen.add(c);
    if (!r[name]) problems.push(`line ${line}: title is empty`);
    if (type && !TYPES.has(type))
      problems.push(`line ${line}: type must be savoir or competence (got ${type})`);
    if (level && !LEVELS.has(level))
      problems.push(
        `line ${line}: expected level must be initiation, apprentissage or maitrise (got ${level})`,
      );
    const iri = col('iri') ? r[col('iri')!] : undefined;
    return {
      competency: iri || competencyIri(framework, c),
      code: c,
      title: r[name] ?? c,
      description: col('description') ? r[col('description')!] || undefined : undefined,
      type: type || undefined,
      domain: col('domain') ? r[col('domain')!] || undefined : undefined,
      expectedLevel: level || undefined,
      framework,
    };
  });
  if (records.length === 0) problems.push('the CSV has no competency line');
  if (problems.length > 0) {
    throw new HttpError(
      400,
      'invalid_framework',
      `the framework was not imported: ${problems.slice(0, 20).join('; ')}`,
      {
        details: problems,
      },
    );
  }
  return { framework, title: title ?? framework, source: 'csv', competencies };
}

interface CaseNode {
  identifier?: string;
  uri?: string;
  title?: string;
}
interface CaseItem extends CaseNode {
  fullStatement?: string;
  abbreviatedStatement?: string;
  humanCodingScheme?: string;
  CFItemType?: string;
  notes?: string;
  educationLevel?: string[];
}

/**
 * A framework from a 1EdTech CASE 1.0 package (`CFDocument`, `CFItems`, `CFAssociations`): each CFItem is a
 * competency (its `uri`, `humanCodingScheme` as code, the abbreviated or full statement as title); its
 * domain is the top-level item it descends from through `isChildOf`.
 */
export function frameworkFromCase(json: unknown): ParsedFramework {
  const pkg = json as { CFDocument?: CaseNode; CFItems?: CaseItem[]; CFAssociations?: unknown[] };
  if (!pkg || typeof pkg !== 'object' || !pkg.CFDocument || !Array.isArray(pkg.CFItems)) {
    throw new HttpError(
      400,
      'invalid_framework',
      'a CASE package needs CFDocument and CFItems (1EdTech CASE 1.0 JSON)',
    );
  }
  const doc = pkg.CFDocument;
  const framework = doc.identifier ?? doc.uri;
  if (!framework) throw new HttpError(400, 'invalid_framework', 'CFDocument needs an identifier or a uri');
  const byId = new Map<string, CaseItem>();
  for (const item of pkg.CFItems) if (item.identifier) byId.set(item.identifier, item);
  const parent = new Map<string, string>();
  for (const a of pkg.CFAssociations ?? []) {
    const x = a as { associationType?: string; originNodeURI?: CaseNode; destinationNodeURI?: CaseNode };
    const from = x.originNodeURI?.identifier;
    const to = x.destinationNodeURI?.identifier;
    if (x.associationType === 'isChildOf' && from && to && byId.has(to)) parent.set(from, to);
  }
  const rootOf = (id: string) => {
    let at = id;
    for (let hops = 0; parent.has(at) && hops < 50; hops++) at = parent.get(at)!;
    return at === id ? undefined : byId.get(at);
  };
  const problems: string[] = [];
  const competencies = pkg.CFItems.map((item, i): Competency => {
    const iri = item.uri ?? (item.identifier ? `urn:case:${item.identifier}` : undefined);
    const text = item.abbreviatedStatement ?? item.fullStatement;
    if (!iri) problems.push(`CFItems[${i}]: no uri or identifier`);
    if (!text) problems.push(`CFItems[${i}]: no fullStatement`);
    const type = fold(item.CFItemType ?? '');
    const root = item.identifier ? rootOf(item.identifier) : undefined;
    return {
      competency: iri ?? '',
      code: item.humanCodingScheme,
      title: text ?? '',
      description: item.fullStatement !== text ? item.fullStatement : item.notes,
      type: /knowledge|savoir/.test(type)
        ? 'savoir'
        : /competen|skill|standard/.test(type)
          ? 'competence'
          : undefined,
      domain: root ? (root.abbreviatedStatement ?? root.fullStatement) : undefined,
      framework,
    };
  });
  if (problems.length > 0) {
    throw new HttpError(
      400,
      'invalid_framework',
      `the framework was not imported: ${problems.slice(0, 20).join('; ')}`,
      {
        details: problems,
      },
    );
  }
  return { framework, title: doc.title ?? framework, source: 'case', competencies };
}
