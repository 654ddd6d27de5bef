import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../lti-platform/index.js';
import {
  bootstrapOf,
  formOf,
  type LtiKairos,
  launchOverHttp,
  postForm,
  registerByHand,
  startLtiKairos,
} from '../lti-platform/kairos.js';

describe('LTI deep linking 2.0 round trip', () => {
  let lms: TestPlatform;
  let kairos: LtiKairos;
  beforeAll(async () => {
    lms = await createTestPlatform();
    await lms.start();
    kairos = await startLtiKairos({ lti: { agsEveryMs: 3_600_000 } });
    await registerByHand(lms, kairos);
  });
  afterAll(async () => {
    await kairos?.close();
    await lms?.close();
  });

  const picker = async (user = lms.users.instructor) =>
    launchOverHttp(lms.loginUrl({ user, course: lms.course, messageType: 'LtiDeepLinkingRequest' }));

  it('an instructor picks a graded quiz; the platform gets an ltiResourceLink with custom parameters and a line item', async () => {
    const page = await picker();
    expect(page.status).toBe(200);
    expect(page.html).toContain('Fractions — quiz');
    expect(page.html).toContain('Kairos dashboard');
    const session = /name="session" value="([^"]+)"/.exec(page.html)![1]!;
    const back = await postForm(`${kairos.url}/lti/deep-link`, {
      session,
      items: 'fractions-quiz',
      action: 'add',
    });
    const form = formOf(back.html);
    expect(form.action).toBe(`${lms.issuer}/deep_link_return`);
    const done = await postForm(form.action, form.fields);
    expect(done.status).toBe(200);
    const [result] = lms.deepLinks;
    expect(result!.data).toMatch(/^dl-/);
    expect(result!.contentItems).toEqual([
      expect.objectContaining({
        type: 'ltiResourceLink',
        url: `${kairos.url}/lti/launch`,
        custom: { activity: 'fractions-quiz' },
        lineItem: expect.objectContaining({ scoreMaximum: 10, resourceId: 'fractions-quiz' }),
      }),
    ]);
    // the placed link launches with its line item and activity
    const item = lms.lineItems.at(-1)!;
    const learner = await launchOverHttp(
      lms.loginUrl({
        user: lms.users.learner,
        course: lms.course,
        resourceLink: { id: item.resourceLinkId! },
        custom: { activity: 'fractions-quiz' },
      }),
    );
    expect(learner.status).toBe(200);
    expect(learner.html).toContain('Fractions — quiz');
    expect(bootstrapOf(learner.html).context.parent.id).toContain(`/links/${item.resourceLinkId}`);
  });

  it('the dashboard item, with no line item', async () => {
    const session = /name="session" value="([^"]+)"/.exec((await picker()).html)![1]!;
    const form = formOf(
      (await postForm(`${kairos.url}/lti/deep-link`, { session, items: 'dashboard', action: 'add' })).html,
    );
    await postForm(form.action, form.fields);
    const item = lms.deepLinks.at(-1)!.contentItems[0]!;
    expect(item).toMatchObject({ custom: { activity: 'dashboard' } });
    expect(item.lineItem).toBeUndefined();
  });

  it('errors reach the platform under the right errormsg claim; learners cannot deep link', async () => {
    const session = /name="session" value="([^"]+)"/.exec((await picker()).html)![1]!;
    const form = formOf((await postForm(`${kairos.url}/lti/deep-link`, { session, action: 'add' })).html);
    await postForm(form.action, form.fields);
    expect(lms.deepLinks.at(-1)!.errormsg).toBe('No Kairos activity was selected.');
    const refused = await picker(lms.users.learner);
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('instructors_only');
    const forged = await postForm(`${kairos.url}/lti/deep-link`, { session: 'x.y.z', items: 'dashboard' });
    expect(forged.status).toBe(400);
    expect(forged.html).toContain('deep_link_expired');
  });
});
