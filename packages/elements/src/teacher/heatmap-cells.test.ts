import { describe, expect, it } from 'vitest';
import type { Competencies, CompetencyCell } from '../shared/api-types.js';
import { HeatmapCells } from './heatmap-cells.js';

const cell = (learner: string, competency: string, level: CompetencyCell['level']): CompetencyCell => ({
  learner,
  competency,
  level,
  p: 0.5,
  evidence: 3,
});
const data: Pick<Competencies, 'learners' | 'competencies' | 'cells'> = {
  learners: [{ learner: 'a' }, { learner: 'b' }, { learner: 'c' }],
  competencies: [
    { id: 'x', title: 'X' },
    { id: 'y', title: 'Y' },
  ] as Competencies['competencies'],
  cells: [
    cell('a', 'x', 'acquis'),
    cell('b', 'y', 'en_cours'),
    cell('c', 'x', null),
    cell('stranger', 'x', 'expert'), // not in the list: not shown, not counted
  ],
};

describe('HeatmapCells', () => {
  it('finds a cell by row and column, and by learner and competency', () => {
    const cells = new HeatmapCells(data);
    expect(cells.at(0, 0)?.level).toBe('acquis');
    expect(cells.at(1, 1)?.level).toBe('en_cours');
    expect(cells.at(0, 1)).toBeUndefined();
    expect(cells.of('b', 'y')).toBe(data.cells[1]);
    expect(cells.of('stranger', 'x')).toBeUndefined();
    expect(cells.of('a', 'z')).toBeUndefined();
  });

  it('counts every learner × competency at its model level, "none" without a cell or a level', () => {
    expect(new HeatmapCells(data).counts).toEqual({
      none: 4,
      non_acquis: 0,
      en_cours: 1,
      acquis: 1,
      expert: 0,
    });
    expect(new HeatmapCells().counts.none).toBe(0);
  });

  it('records a teacher level beside the model’s, on a cell the API did not send too', () => {
    const cells = new HeatmapCells(data);
    const manual = { level: 'expert' as const, assessor: 't', assessedAt: '2026-03-05T10:00:00.000Z' };
    cells.setManual('a', 'x', manual);
    cells.setManual('a', 'y', manual);
    cells.setManual('stranger', 'y', manual);
    expect(cells.at(0, 0)).toMatchObject({ level: 'acquis', manual });
    expect(cells.at(0, 1)).toMatchObject({ learner: 'a', competency: 'y', level: null, manual });
    expect(cells.of('stranger', 'y')).toBeUndefined();
    // the legend counts the model's levels
    expect(cells.counts.acquis).toBe(1);
    const wide = cells.widest((x) => x.manual!.level.length);
    expect([...wide.keys()].sort()).toEqual(['x', 'y']);
  });
});
