import type { QuestionDefinition } from './definition.js';
import type { KairosQuestion } from './question.js';

// the parts of every question type, so a page styles questions built inside a quiz's shadow root
const PARTS =
  'question, prompt, feedback, right, wrong, choice, input, problem, items, item, move, pair, select';

/** A question element for one question of a quiz definition. */
export function questionElement(q: QuestionDefinition): KairosQuestion {
  const el = document.createElement(`kairos-${q.type}`) as KairosQuestion;
  const { id, type: _, feedback, ...rest } = q;
  Object.assign(el, rest, { questionId: id ?? '' });
  if (typeof feedback === 'object')
    Object.assign(el, {
      feedbackCorrect: feedback.correct ?? '',
      feedbackIncorrect: feedback.incorrect ?? '',
    });
  else if (feedback) el.feedback = feedback;
  el.setAttribute('exportparts', PARTS);
  return el;
}
