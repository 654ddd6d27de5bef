import { describe, expect, it } from 'vitest';
import { type LearnerActivitySummary, learnerFlags, raisedFlags } from './learner-flags.js';

const a = (activity: string, over: Partial<LearnerActivitySummary> = {}): LearnerActivitySummary => ({
  activity,
  attempts: 1,
  succeeded: true,
  completed: true,
  ...over,
});
const asOf = new Date('2026-03-10T12:00:00Z');

describe('learner flags', () => {
  it('is struggling from 3 failed attempts and stuck from 5', () => {
    const f = learnerFlags(
      [
        a('q1', { attempts: 3, succeeded: false }),
        a('q2', { attempts: 5, succeeded: false }),
        a('q3', { attempts: 7 }),
      ],
      [],
      '2026-03-10T00:00:00Z',
      asOf,
    );
    expect(f.struggling).toEqual(['q1', 'q2']);
    expect(f.stuck).toEqual(['q2']);
    expect(raisedFlags(f)).toEqual(['struggling', 'stuck']);
  });
  it('is wheel-spinning after 10 evidences on a competency without acquis', () => {
    const f = learnerFlags(
      [],
      [
        { competency: 'c1', evidence: 10, level: 'en_cours' },
        { competency: 'c2', evidence: 12, level: 'acquis' },
        { competency: 'c3', evidence: 9, level: 'non_acquis' },
      ],
      undefined,
      asOf,
    );
    expect(f.wheelSpinning).toEqual(['c1']);
  });
  it('has abandoned after 7 days without activity with unfinished work', () => {
    const unfinished = [a('q1', { completed: false })];
    expect(learnerFlags(unfinished, [], '2026-03-03T12:00:00Z', asOf).abandoned).toEqual({
      lastSeen: '2026-03-03T12:00:00Z',
      unfinished: 1,
    });
    expect(learnerFlags(unfinished, [], '2026-03-03T12:00:01Z', asOf).abandoned).toBeNull();
    expect(learnerFlags([a('q1')], [], '2026-01-01T00:00:00Z', asOf).abandoned).toBeNull();
  });
  it('guesses rapidly when 3 first answers take under 10 % of their item median', () => {
    const fast = (id: string, ms: number) =>
      a(id, { firstAnswerMs: ms, medianFirstAnswerMs: 20_000, medianAnswers: 8 });
    const f = learnerFlags(
      [fast('q1', 1500), fast('q2', 1999), fast('q3', 2000), fast('q4', 900)],
      [],
      undefined,
      asOf,
    );
    expect(f.rapidGuessing).toEqual(['q1', 'q2', 'q4']);
    expect(learnerFlags([fast('q1', 1500), fast('q2', 1999)], [], undefined, asOf).rapidGuessing).toEqual([]);
    const thinMedian = a('q5', { firstAnswerMs: 10, medianFirstAnswerMs: 20_000, medianAnswers: 4 });
    expect(
      learnerFlags([fast('q1', 1), fast('q2', 1), thinMedian], [], undefined, asOf).rapidGuessing,
    ).toEqual([]);
  });
});
