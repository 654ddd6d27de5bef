import { type QuizDefinition, quizMaximum } from '@kairos/elements/quiz-definition.js';
import { catalogIri, resourceLinkIri } from '../iris.js';
import { activityById } from './catalog.js';
import type { LtiDeps } from './deps.js';
import { LtiError } from './lti-error.js';
import { quizById } from './quizzes.js';

/**
 * What a resource link launches, from its custom parameters: a built-in catalog item
 * (`custom.activity`), a quiz a teacher wrote (`custom.quiz`), or a link Kairos did not place (neither:
 * tracked as a plain activity).
 */
export interface Placement {
  kind: 'activity' | 'quiz' | 'dashboard';
  title: string;
  description?: string;
  /** The xAPI activity the learner's widget records (a quiz's id, a lesson's activity id). */
  activityIri: string;
  /** Graded placements: the line item's maximum. */
  scoreMaximum?: number;
  /** What the roster records as the link's activity (a catalog id, or a quiz's IRI). */
  activityId?: string;
  /** `quiz`: its definition, with its IRI. */
  quiz?: QuizDefinition;
  /** `activity`: the lesson's HTML (built-in items only). */
  lesson?: string;
  /**
   * The language the content is written in, when it is not the learner's (built-in items are in English):
   * the widget's `lang`, so its labels and the statements' language maps say so.
   */
  lang?: string;
}

/** Resolves the placement of a launch; a quiz that no longer exists is refused with a clear page. */
export async function placementOf(
  deps: Pick<LtiDeps, 'keyed' | 'publicUrl'>,
  tenantId: string,
  link: { id: string; title?: string },
  custom: Record<string, string>,
): Promise<Placement> {
  if (custom.quiz !== undefined) {
    const stored = await quizById(deps.keyed, tenantId, custom.quiz);
    if (!stored) {
      throw new LtiError(
        404,
        'quiz_not_found',
        'This quiz is not in Kairos any more. Ask your teacher to place it again.',
        `quiz ${custom.quiz}`,
      );
    }
    const { definition } = stored;
    return {
      kind: 'quiz',
      title: link.title ?? definition.title ?? 'Quiz',
      activityIri: definition.id,
      activityId: definition.id,
      quiz: definition,
      scoreMaximum: quizMaximum(definition),
    };
  }
  const item = activityById(custom.activity);
  if (item) {
    const iri = catalogIri(deps.publicUrl, item.id);
    return {
      kind: item.kind,
      title: link.title ?? item.title,
      description: item.description,
      activityIri: iri,
      activityId: item.id,
      scoreMaximum: item.scoreMaximum,
      lesson: item.lesson,
      lang: 'en',
      quiz: item.quiz && { id: iri, ...item.quiz },
    };
  }
  return {
    kind: 'activity',
    title: link.title ?? 'Activity',
    activityIri: resourceLinkIri(deps.publicUrl, tenantId, link.id),
  };
}
