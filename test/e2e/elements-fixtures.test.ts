import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type * as E from '../../packages/elements/src/shared/api-types.js';
import * as S from '../../packages/server/src/analytics/api/schemas.js';

const dir = new URL('../../packages/elements/test/fixtures/', import.meta.url);

/** Which server schema each fixture file answers, by its name. */
const schemaOf = (file: string): z.ZodType | undefined => {
  if (file.startsWith('overview')) return S.Overview;
  if (file.startsWith('stuck-points')) return S.StuckPointsResponse;
  if (file.startsWith('competencies')) return S.CompetenciesResponse;
  if (file.startsWith('learners')) return S.LearnersResponse;
  if (file.startsWith('learner-')) return S.LearnerDetail;
  if (file.startsWith('item-')) return S.ItemAnalysisResponse;
  return undefined;
};

// The elements' own types (src/shared/api-types.ts) and the server's schemas, both ways: a field the server
// adds, drops or retypes fails `tsc` here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameTypes: [
  Same<z.infer<typeof S.Overview>, E.Overview>,
  Same<z.infer<typeof S.StuckPointsResponse>, E.StuckPoints>,
  Same<z.infer<typeof S.CompetenciesResponse>, E.Competencies>,
  Same<z.infer<typeof S.LearnersResponse>, E.Learners>,
  Same<z.infer<typeof S.LearnerDetail>, E.LearnerDetail>,
  Same<z.infer<typeof S.ItemAnalysisResponse>, E.ItemAnalysis>,
] = [true, true, true, true, true, true];

describe('the teacher widgets’ fixtures', () => {
  const sets = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory());

  it('cover both classes and every answer the widgets read', () => {
    expect(sameTypes.every(Boolean)).toBe(true);
    expect(sets.map((d) => d.name).sort()).toEqual(['class-30', 'class-300']);
    const small = readdirSync(new URL('class-30/', dir));
    for (const name of ['overview', 'stuck-points', 'competencies', 'learners', 'learner-', 'item-'])
      expect(small.some((f) => f.startsWith(name))).toBe(true);
  });

  for (const set of sets) {
    for (const file of readdirSync(new URL(`${set.name}/`, dir)).filter((f) => f.endsWith('.json'))) {
      it(`${set.name}/${file} is what the server’s schema describes, field for field`, () => {
        const schema = schemaOf(file);
        expect(schema, `no schema for ${file}: name it after its endpoint`).toBeDefined();
        const value = JSON.parse(readFileSync(new URL(`${set.name}/${file}`, dir), 'utf8'));
        const parsed = schema!.safeParse(value);
        expect(parsed.error?.issues ?? []).toEqual([]);
        // zod drops unknown keys: equal after parsing means the fixture has no field the server does not send
        expect(parsed.data).toEqual(value);
      });
    }
  }

  it('the 30-learner class has 20 competencies, and the 300-learner one 300 learners', () => {
    const read = (p: string) => JSON.parse(readFileSync(new URL(p, dir), 'utf8'));
    const small = read('class-30/competencies.json') as E.Competencies;
    expect([small.learners.length, small.competencies.length]).toEqual([30, 20]);
    expect(small.cells.some((c) => c.manual)).toBe(true);
    expect((read('class-300/learners.json') as E.Learners).learners).toHaveLength(300);
    const stuck = read('class-30/stuck-points.json') as E.StuckPoints;
    expect(stuck.activities[0]!.flagged).toBe(true);
    expect(stuck.activities[0]!.learners.every((l) => l.name)).toBe(true);
  });
});
