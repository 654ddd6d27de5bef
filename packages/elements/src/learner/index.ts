// The learner widgets (classes only; registering them is the define modules' job).
export { KairosActivity } from './activity.js';
export { KairosChoice, KairosTrueFalse } from './choice.js';
export {
  parseQuizDefinition,
  type QuestionDefinition,
  type QuizDefinition,
  QuizDefinitionError,
  questionIris,
  quizMaximum,
} from './definition.js';
export { KairosAttemptEvent, KairosCompleteEvent, type WidgetScore } from './events.js';
export { KairosMatching } from './matching.js';
export { KairosOrdering } from './ordering.js';
export { KairosProgress } from './progress.js';
export { KairosQuestion } from './question.js';
export { KairosQuiz } from './quiz.js';
export {
  type Choice,
  judge,
  type NumericRange,
  type Outcome,
  type QuestionSpec,
  type QuestionType,
  quizScore,
  toQuestionInput,
} from './scoring.js';
export { KairosFillIn, KairosLongText, KairosNumeric } from './text.js';
export { findTracker, type TrackedElement } from './tracker.js';
