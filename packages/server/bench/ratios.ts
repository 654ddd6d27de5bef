/**
 * Kairos figures as ratios to the raw insert ceiling (bench/ceiling.ts), and the table that prints them
 * ahead of the absolute figures. Pure: no I/O but the table.
 */
import { fmtN, round } from './support.js';

/** Median of `xs` (mean of the two middle values for an even count); NaN for none. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Each Kairos window's figure over the mean of the two ceiling windows around it (`ceilings[i]` before
 * window `i`, `ceilings[i + 1]` after): the windows closest in time saw the machine most alike. Windows
 * without a ceiling on both sides are left out.
 */
export function adjacentRatios(kairos: number[], ceilings: number[]): number[] {
  const ratios: number[] = [];
  kairos.forEach((k, i) => {
    const before = ceilings[i];
    const after = ceilings[i + 1];
    if (before === undefined || after === undefined || before + after <= 0) return;
    ratios.push(k / ((before + after) / 2));
  });
  return ratios;
}

/** One line of the ratio table. */
export interface RatioRow {
  figure: string;
  statementsPerSecond: number;
  /** Against the ceiling; undefined without one. */
  ratio?: number;
  /** Each window's ratio (the row's ratio is their median). */
  windowRatios?: number[];
  /** What the issue asks for, e.g. "≥ 0.55"; undefined when nothing is asked (or not of this store). */
  target?: string;
  verdict?: 'PASS' | 'MISS';
  /** What decided the verdict or qualifies the figure (CPU per request, projection lag). */
  note?: string;
}

/** `PASS` when every condition holds. */
export const verdict = (...conditions: boolean[]): 'PASS' | 'MISS' =>
  conditions.every(Boolean) ? 'PASS' : 'MISS';

/** Prints the ratio table: figure, statements/s, ratio to the ceiling, target, verdict, note. */
export function printRatioTable(rows: RatioRow[]): void {
  const cells = [
    ['figure', 'stmts/s', 'ratio', 'target', 'verdict', 'note'],
    ...rows.map((r) => [
      r.figure,
      fmtN(r.statementsPerSecond),
      r.ratio === undefined || !Number.isFinite(r.ratio) ? '—' : r.ratio.toFixed(2),
      r.target ?? '—',
      r.verdict ?? '',
      r.note ?? '',
    ]),
  ];
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  // numbers right-aligned, words left-aligned
  const right = new Set([1, 2]);
  for (const c of cells)
    console.log(
      c
        .map((cell, i) => (right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    );
}

/** Rounds ratios for the results file. */
export const roundRatios = (xs: number[]) => xs.map((x) => round(x, 3));
