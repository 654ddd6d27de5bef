import {
  parseQuizDefinition,
  type QuizDefinition,
  QuizDefinitionError,
  questionIris,
  quizMaximum,
} from '@kairos/elements/quiz-definition.js';
import type { Request, Response } from 'express';
import { quizIri } from '../iris.js';
import {
  NOTHING_ADDED,
  type PickSession,
  refusedTypes,
  resourceLinkItem,
  returnToPlatform,
  verifyPickSession,
} from './deep-linking.js';
import type { LtiDeps } from './deps.js';
import { quizEditorPage } from './quiz-editor.js';
import { type FormResult, quizFromForm } from './quiz-form.js';
import {
  emptyForm,
  emptyQuestion,
  type FieldError,
  formFromBody,
  formFromDefinition,
  MAX_QUESTIONS,
  type QuizForm,
} from './quiz-form-fields.js';
import { newQuizId, saveQuiz } from './quizzes.js';

/** The datalist stays a hint, not a framework browser. */
const MAX_LISTED_COMPETENCIES = 500;

/** The content item of a quiz a teacher wrote, graded when it scores. */
export function quizContentItem(publicUrl: string, id: string, d: QuizDefinition): Record<string, unknown> {
  const max = quizMaximum(d);
  return resourceLinkItem(publicUrl, {
    title: d.title?.trim() || 'Quiz',
    custom: { quiz: id },
    resourceId: id,
    scoreMaximum: max > 0 ? max : undefined,
  });
}

/** A pasted JSON quiz, named `id`: the definition, or what is wrong with it (on the JSON field). */
function fromJson(json: string, id: string): FormResult {
  const at = (message: string): FieldError => ({ field: 'json', message: `Quiz JSON: ${message}` });
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    return { ok: false, errors: [at(`not valid JSON (${(error as Error).message})`)] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { ok: false, errors: [at('an object { "title", "questions": [...] } is expected')] };
  try {
    return { ok: true, definition: parseQuizDefinition({ ...parsed, id }) };
  } catch (error) {
    if (!(error instanceof QuizDefinitionError)) throw error;
    return { ok: false, errors: error.problems.map(at) };
  }
}

/** The tenant's competencies for the editor's datalist; none when the analytics store cannot say. */
async function knownCompetencies(deps: LtiDeps, tenantId: string) {
  try {
    const all = await deps.stores.analytics.inputs.competencies(tenantId);
    return all.slice(0, MAX_LISTED_COMPETENCIES).map((c) => ({
      iri: c.competency,
      label: [c.code, c.title].filter(Boolean).join(' — '),
    }));
  } catch (err) {
    deps.logger.warn({ err, tenant: tenantId }, 'quiz editor: competencies not listed');
    return [];
  }
}

/**
 * Stores the quiz, records its questions' competency alignments (source `deep-link`), and returns the
 * placed link to the platform.
 */
async function place(deps: LtiDeps, session: PickSession, id: string, d: QuizDefinition, res: Response) {
  await saveQuiz(deps.keyed, {
    tenantId: session.tenantId,
    id,
    definition: d,
    // sessions signed before authors were recorded have no sub
    author: session.sub ?? 'unknown',
  });
  const iris = questionIris(d);
  const alignments = d.questions.flatMap((q, i) =>
    (q.competencies ?? []).map((competency) => ({
      activity: iris[i]!,
      competency,
      weight: 1,
      source: 'deep-link' as const,
    })),
  );
  try {
    await deps.stores.analytics.inputs.setAlignments(session.tenantId, alignments);
  } catch (err) {
    // the quiz is stored and its statements name the same competencies as objectives, which the
    // projection reads as alignments too: failing here would only make the teacher place it twice
    deps.logger.warn({ err, tenant: session.tenantId, quiz: id }, 'quiz alignments not recorded');
  }
  const item = quizContentItem(deps.publicUrl, id, d);
  await returnToPlatform(deps, session, { items: [item], msg: `Added ${item.title}.` }, res);
}

/**
 * `POST /lti/deep-link/quiz`: the quiz editor of the deep-linking picker. The picker's signed session is
 * the only authorization (it proves an instructor's deep linking launch, for an hour). `action` says
 * which button was pressed: `write` (from the picker), `add`, `remove-{n}`, `import` (JSON into the
 * editor), `save`, `save-json` (the JSON as is), `cancel`; anything else re-renders what was typed.
 */
export function quizAuthoringHandler(deps: LtiDeps) {
  return async function quizAuthoring(req: Request, res: Response): Promise<void> {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const session = await verifyPickSession(deps, body.session);
    const action = typeof body.action === 'string' ? body.action : 'update';
    if (action === 'cancel') return returnToPlatform(deps, session, NOTHING_ADDED, res);
    let form: QuizForm = action === 'write' ? emptyForm() : formFromBody(body);
    let errors: FieldError[] = [];
    let notice: string | undefined;
    const removed = /^remove-(\d+)$/.exec(action);
    if (action === 'add' && form.questions.length < MAX_QUESTIONS) form.questions.push(emptyQuestion());
    else if (removed) form.questions.splice(Number(removed[1]) - 1, 1);
    else if (action === 'import') {
      // the id only names the definition while it is checked; saving gives it its own
      const r = fromJson(form.json, 'urn:kairos:draft');
      if (!r.ok) errors = r.errors;
      else {
        const { form: imported, dropped } = formFromDefinition(r.definition);
        form = imported;
        notice = dropped.length
          ? `Imported. The editor cannot show ${dropped.join('; ')}: they are left out. To keep them, save the JSON as is.`
          : 'Imported: check the questions, then save.';
      }
    } else if (action === 'save' || action === 'save-json') {
      const refused = refusedTypes(session);
      if (refused) return returnToPlatform(deps, session, refused, res);
      const id = newQuizId();
      const iri = quizIri(deps.publicUrl, session.tenantId, id);
      const r = action === 'save' ? quizFromForm(form, iri) : fromJson(form.json, iri);
      if (r.ok) return place(deps, session, id, r.definition, res);
      errors = r.errors;
    }
    res.type('html').send(
      quizEditorPage({
        action: `${deps.publicUrl}/lti/deep-link/quiz`,
        session: String(body.session),
        form,
        errors,
        notice,
        competencies: await knownCompetencies(deps, session.tenantId),
      }),
    );
  };
}
