import type { Competencies, CompetencyCell, Level } from '../shared/api-types.js';
import { LEVELS } from './messages.js';

const NONE = { learners: [], competencies: [], cells: [] };

/**
 * The heat map's cells by row and column, and how many are at each level (the legend). Looked up by
 * index: the string key per cell it replaces cost a 300-learner course ~20 ms to build.
 */
export class HeatmapCells {
  /** How many learner × competency positions are at each model level (`none` where no cell). */
  readonly counts: Record<string, number> = Object.fromEntries(LEVELS.map((l) => [l, 0]));
  private readonly cells: (CompetencyCell | undefined)[];
  private readonly rowOf: Map<string, number>;
  private readonly colOf: Map<string, number>;
  private readonly width: number;

  constructor(d: Pick<Competencies, 'learners' | 'competencies' | 'cells'> = NONE) {
    this.rowOf = new Map(d.learners.map((l, i) => [l.learner, i]));
    this.colOf = new Map(d.competencies.map((c, i) => [c.id, i]));
    this.width = d.competencies.length;
    this.cells = new Array(d.learners.length * this.width);
    for (const x of d.cells) {
      const r = this.rowOf.get(x.learner);
      const c = this.colOf.get(x.competency);
      if (r !== undefined && c !== undefined) this.cells[r * this.width + c] = x;
    }
    for (let i = 0; i < this.cells.length; i++) this.counts[this.cells[i]?.level ?? 'none']!++;
  }

  /** The cell of row `r` (a learner) and column `c` (a competency), if the API sent one. */
  at(r: number, c: number): CompetencyCell | undefined {
    return this.cells[r * this.width + c];
  }

  /** The cell of a learner and a competency, if the API sent one. */
  of(learner: string, competency: string): CompetencyCell | undefined {
    const r = this.rowOf.get(learner);
    const c = this.colOf.get(competency);
    return r === undefined || c === undefined ? undefined : this.at(r, c);
  }

  /** Records a teacher's level beside the model's (the model's stays). */
  setManual(
    learner: string,
    competency: string,
    manual: { level: Level; assessor: string; assessedAt: string },
  ) {
    const r = this.rowOf.get(learner);
    const c = this.colOf.get(competency);
    if (r === undefined || c === undefined) return;
    const cell = this.at(r, c) ?? { learner, competency, level: null, p: 0, evidence: 0 };
    this.cells[r * this.width + c] = { ...cell, manual };
  }

  /** Per competency, its cell with a teacher's level that `width` finds widest. */
  widest(width: (x: CompetencyCell) => number): Map<string, CompetencyCell> {
    const wide = new Map<string, CompetencyCell>();
    for (const x of this.cells) {
      const w = x && wide.get(x.competency);
      if (x?.manual && (!w || width(x) > width(w))) wide.set(x.competency, x);
    }
    return wide;
  }
}
