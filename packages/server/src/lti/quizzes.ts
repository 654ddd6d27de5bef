import { randomUUID } from 'node:crypto';
import type { QuizDefinition } from '@kairos/elements/quiz-definition.js';
import type { KeyedRecordRepository } from '../storage/types.js';

const QUIZZES = 'kairos:quiz';

/** A quiz a teacher wrote (or imported as JSON) in the deep-linking picker, kept in the record store. */
export interface StoredQuiz {
  tenantId: string;
  /** Names the quiz in the placed link's `custom.quiz`. */
  id: string;
  definition: QuizDefinition;
  /** The platform user who wrote it. */
  author: string;
  createdAt: string;
}

/** Stores a new quiz; its `definition.id` must already be its IRI. */
export async function saveQuiz(
  keyed: KeyedRecordRepository,
  quiz: Omit<StoredQuiz, 'createdAt'>,
): Promise<StoredQuiz> {
  const stored: StoredQuiz = { ...quiz, createdAt: new Date().toISOString() };
  await keyed.insert({
    collection: QUIZZES,
    fields: { tenantId: quiz.tenantId, id: quiz.id },
    data: stored,
    createdAt: stored.createdAt,
  });
  return stored;
}

/** A new quiz id (opaque, unguessable: the id travels in the LMS's custom parameters). */
export const newQuizId = (): string => randomUUID();

/** A stored quiz of the tenant, or `undefined`. */
export async function quizById(
  keyed: KeyedRecordRepository,
  tenantId: string,
  id: string,
): Promise<StoredQuiz | undefined> {
  return (await keyed.find(QUIZZES, { tenantId, id }))[0]?.data as StoredQuiz | undefined;
}
