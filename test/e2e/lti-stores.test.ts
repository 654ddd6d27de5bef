import { afterAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../lti-platform/index.js';
import {
  bootstrapOf,
  launchOverHttp,
  postForm,
  registerByHand,
  startLtiKairos,
} from '../lti-platform/kairos.js';
import { recordStoreFactories } from '../support/record-stores.js';

// The LTI data (registrations, keys, logins, service endpoints, score queue) lives in the record store:
// a full launch on each backend (MongoDB here is FerretDB: no TTL indexes, expiry by the periodic job).
describe.each(recordStoreFactories)('LTI launch with the record store on %s', async (_name, make) => {
  const record = await make();
  let lms: TestPlatform | undefined;
  afterAll(async () => lms?.close());

  it.skipIf(!record)('registers, launches, accepts statements, refuses a replay', async () => {
    lms = await createTestPlatform();
    await lms.start();
    const kairos = await startLtiKairos({ record });
    try {
      await registerByHand(lms, kairos);
      const launched = await launchOverHttp(lms.loginUrl({ user: lms.users.learner, course: lms.course }));
      expect(launched.status).toBe(200);
      const boot = bootstrapOf(launched.html);
      const res = await fetch(`${boot.endpoint}/statements`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${boot.token}`,
          'content-type': 'application/json',
          'x-experience-api-version': '1.0.3',
        },
        body: JSON.stringify({
          actor: boot.actor,
          verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
          object: { id: boot.context.parent.id },
        }),
      });
      expect(res.status).toBe(200);
      const replay = await postForm(`${kairos.url}/lti/launch`, launched.posted, launched.cookie);
      expect(replay.status).toBe(400);
      expect((await fetch(`${kairos.url}/lti/keys`)).status).toBe(200);
    } finally {
      await kairos.close();
    }
  });
});
