import { describe, expect, it } from 'vitest';
import { parseCsv, toCsv } from './csv.js';
import { competencyIri, frameworkFromCase, frameworkFromCsv } from './import.js';

describe('CSV', () => {
  it('reads quoted fields, doubled quotes, CRLF and the ; separator', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
    ]);
    expect(parseCsv('code;titre\nC1;Comparer\n')).toEqual([
      ['code', 'titre'],
      ['C1', 'Comparer'],
    ]);
  });
  it('writes what it reads', () => {
    const text = toCsv([{ a: 'x, "y"', b: 2 }], { a: (r) => r.a, b: (r) => r.b });
    expect(parseCsv(text)).toEqual([
      ['a', 'b'],
      ['x, "y"', '2'],
    ]);
  });
});

describe('frameworks', () => {
  it('imports the product owner’s CSV (French headers and accents)', () => {
    const f = frameworkFromCsv(
      'code;titre;type;domaine;niveau attendu\nG1;Accorder le participe;savoir;Grammaire;Maîtrise\nC2;Argumenter;competence;Communication;apprentissage\n',
      'cycle3',
    );
    expect(f.competencies).toEqual([
      {
        competency: competencyIri('cycle3', 'G1'),
        code: 'G1',
        title: 'Accorder le participe',
        description: undefined,
        type: 'savoir',
        domain: 'Grammaire',
        expectedLevel: 'maitrise',
        framework: 'cycle3',
      },
      expect.objectContaining({ code: 'C2', type: 'competence', expectedLevel: 'apprentissage' }),
    ]);
  });
  it('refuses a CSV with bad lines, naming each, and imports nothing', () => {
    expect(() => frameworkFromCsv('code,title,type\nA,One,skill\nA,Two,savoir\n', 'f')).toThrow(
      /line 2: type must be savoir or competence \(got skill\); line 3: code A appears twice/,
    );
    expect(() => frameworkFromCsv('name\nx\n', 'f')).toThrow(/columns code and title/);
  });
  it('imports a CASE package with domains from isChildOf', () => {
    const f = frameworkFromCase({
      CFDocument: { identifier: 'doc-1', uri: 'https://case.example/doc-1', title: 'Maths cycle 3' },
      CFItems: [
        {
          identifier: 'n',
          uri: 'https://case.example/n',
          fullStatement: 'Nombres et calculs',
          CFItemType: 'Domain',
        },
        {
          identifier: 'f1',
          uri: 'https://case.example/f1',
          humanCodingScheme: 'NC.1',
          fullStatement: 'Comparer des fractions de même dénominateur',
          abbreviatedStatement: 'Comparer des fractions',
          CFItemType: 'Competency',
        },
      ],
      CFAssociations: [
        {
          associationType: 'isChildOf',
          originNodeURI: { identifier: 'f1', uri: 'https://case.example/f1' },
          destinationNodeURI: { identifier: 'n', uri: 'https://case.example/n' },
        },
      ],
    });
    expect(f).toMatchObject({ framework: 'doc-1', title: 'Maths cycle 3', source: 'case' });
    expect(f.competencies[1]).toEqual({
      competency: 'https://case.example/f1',
      code: 'NC.1',
      title: 'Comparer des fractions',
      description: 'Comparer des fractions de même dénominateur',
      type: 'competence',
      domain: 'Nombres et calculs',
      framework: 'doc-1',
    });
  });
  it('refuses what is not a CASE package', () => {
    expect(() => frameworkFromCase({ items: [] })).toThrow(/CFDocument and CFItems/);
  });
});
