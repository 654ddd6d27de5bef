/**
 * The quiz JSON without any element: validation, question IRIs and the maximum score. Pure (no DOM, no
 * Lit), so a server can check a teacher's quiz before it stores it (the Kairos server's deep linking does).
 */
export {
  isIri,
  parseQuizDefinition,
  type QuestionDefinition,
  type QuizDefinition,
  QuizDefinitionError,
  questionIris,
  quizMaximum,
} from './learner/definition.js';
export type { Choice, NumericRange, QuestionType } from './learner/scoring.js';
