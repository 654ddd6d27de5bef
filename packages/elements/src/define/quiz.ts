import { defineElement } from '../define.js';
import { KairosChoice, KairosTrueFalse } from '../learner/choice.js';
import { KairosMatching } from '../learner/matching.js';
import { KairosOrdering } from '../learner/ordering.js';
import { KairosQuiz } from '../learner/quiz.js';
import { KairosFillIn, KairosLongText, KairosNumeric } from '../learner/text.js';

// the questions first: a quiz built from JSON creates them as it upgrades
defineElement('kairos-choice', KairosChoice);
defineElement('kairos-true-false', KairosTrueFalse);
defineElement('kairos-fill-in', KairosFillIn);
defineElement('kairos-numeric', KairosNumeric);
defineElement('kairos-ordering', KairosOrdering);
defineElement('kairos-matching', KairosMatching);
defineElement('kairos-long-text', KairosLongText);
defineElement('kairos-quiz', KairosQuiz);

declare global {
  interface HTMLElementTagNameMap {
    'kairos-quiz': KairosQuiz;
    'kairos-choice': KairosChoice;
    'kairos-true-false': KairosTrueFalse;
    'kairos-fill-in': KairosFillIn;
    'kairos-numeric': KairosNumeric;
    'kairos-ordering': KairosOrdering;
    'kairos-matching': KairosMatching;
    'kairos-long-text': KairosLongText;
  }
}
