import type { PlatformUser, TestPlatform } from '../lti-platform/index.js';
import { bootstrapOf, launchOverHttp } from '../lti-platform/kairos.js';

/** The SDK bootstrap a learner's launch page carries (endpoint, Bearer token, actor, context). */
export type LaunchBootstrap = ReturnType<typeof bootstrapOf>;

/**
 * Launches `user` on a resource link of the test platform's course over HTTP (login initiation →
 * authorization → launch POST) and returns the bootstrap of the learner page; `lineItemId` binds the link
 * to an AGS line item, so its graded results are posted back.
 *
 * @example
 * const item = lms.addLineItem({ label: 'Quiz', scoreMaximum: 10, resourceLinkId: 'graded' });
 * const boot = await launchLearner(lms, lms.users.learner, { id: 'graded', title: 'Quiz' }, item.id);
 * await postStatements(boot, [passedStatement(boot, 7, 10)]);
 */
export async function launchLearner(
  lms: TestPlatform,
  user: PlatformUser,
  resourceLink: { id: string; title?: string },
  lineItemId?: string,
): Promise<LaunchBootstrap> {
  const launched = await launchOverHttp(
    lms.loginUrl({ user, course: lms.course, resourceLink, ...(lineItemId ? { lineItemId } : {}) }),
  );
  if (launched.status !== 200)
    throw new Error(`launch of ${user.id} answered ${launched.status}: ${launched.html.slice(0, 300)}`);
  return bootstrapOf(launched.html);
}

/** A `passed` statement of the launched activity with score `raw`/`max` (what graded content sends). */
export function passedStatement(boot: LaunchBootstrap, raw: number, max: number, timestamp = new Date()) {
  return {
    actor: boot.actor,
    verb: { id: 'http://adlnet.gov/expapi/verbs/passed' },
    object: { id: `${boot.context.parent.id}/quiz` },
    result: { score: { raw, max }, success: true },
    context: {
      registration: boot.context.registration,
      contextActivities: { parent: [boot.context.parent] },
    },
    timestamp: timestamp.toISOString(),
  };
}

/** Posts statements with the launch's Bearer token, as the learner page's SDK does; throws unless 200. */
export async function postStatements(boot: LaunchBootstrap, statements: unknown[]): Promise<void> {
  const res = await fetch(`${boot.endpoint}/statements`, {
    method: 'POST',
    headers: {
      'X-Experience-API-Version': '2.0.0',
      authorization: `Bearer ${boot.token}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(statements.length === 1 ? statements[0] : statements),
  });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`statements answered ${res.status}: ${body.slice(0, 300)}`);
}
