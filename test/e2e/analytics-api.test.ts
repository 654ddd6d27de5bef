import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../packages/server/src/auth/api-keys.js';
import type { Stores } from '../../packages/server/src/storage/types.js';
import {
  act,
  analyticsLayouts,
  answered,
  COMPETENCY,
  COURSE,
  HAND_COURSE,
  learner,
  learnerKey,
  type Step,
  statement,
} from '../support/learning.js';
import { type AppOnStores, startAppOn } from '../support/stores-app.js';

const C = encodeURIComponent(COURSE);
const AS_OF = '2026-03-10T09:00:00.000Z';

// The projection on PGlite, PostgreSQL and MongoDB + PostgreSQL is proven by projection.test.ts; the API
// reads the analytics store only, so it runs here on the embedded store and PostgreSQL.
for (const [layout, open] of analyticsLayouts.slice(0, 2)) {
  describe(`analytics API on ${layout}`, () => {
    let stores: Stores;
    let app: AppOnStores;
    let key: string;
    let readOnly: string;
    const tenant = 'default';

    const call = async (path: string, init: RequestInit & { auth?: string } = {}) => {
      const res = await fetch(`${app.url}${path}`, {
        ...init,
        headers: {
          authorization: init.auth ?? key,
          'x-experience-api-version': '2.0.0',
          ...(init.body && typeof init.body === 'string' && !('content-type' in (init.headers ?? {}))
            ? { 'content-type': 'application/json' }
            : {}),
          ...(init.headers as Record<string, string>),
        },
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {}
      return { status: res.status, headers: res.headers, body: body as Record<string, any> };
    };
    const post = (statements: unknown[]) =>
      call('/xapi/statements', { method: 'POST', body: JSON.stringify(statements) });
    /** Polls until `check` holds (the projection runs in the background). */
    const until = async <T>(read: () => Promise<T>, check: (v: T) => boolean, ms = 10_000): Promise<T> => {
      const end = Date.now() + ms;
      for (;;) {
        const v = await read();
        if (check(v)) return v;
        if (Date.now() > end) return v;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const stuck = () => call(`/api/v1/courses/${C}/stuck-points?asOf=${AS_OF}`);
    const q1Of = (r: { body: Record<string, any> }) =>
      (r.body.activities as { activity: string }[] | undefined)?.find((a) => a.activity === act(1)) as
        | Record<string, any>
        | undefined;

    beforeAll(async () => {
      stores = await open();
      app = await startAppOn(stores);
      const basic = async (scopes: string[], t = tenant) => {
        const { record, secret } = await createApiKey(stores.record.credentials, {
          tenantId: t,
          name: 'test',
          scopes,
        });
        return `Basic ${Buffer.from(`${record.key}:${secret}`).toString('base64')}`;
      };
      key = await basic(['all']);
      readOnly = await basic(['analytics/read']);
      expect((await post(HAND_COURSE.map(answered))).status).toBe(200);
    });
    afterAll(async () => {
      await app?.close();
      await stores?.close();
    });

    it('serves the stuck points of the hand-computed course with every input, as JSON and CSV', async () => {
      const r = await until(stuck, (x) => q1Of(x)?.n === 5 && q1Of(x)?.r.value === 0.4);
      expect(r.status).toBe(200);
      const q1 = q1Of(r)!;
      // P1 2/5, R 2/5, D 2/5 (bob, eve inactive 7 days at asOf), T 1/5: 100·(0.3·0.6 + 0.25·0.4 + 0.25·0.4 + 0.2·0.2)
      expect(q1).toMatchObject({
        n: 5,
        assessed: 5,
        p1: { value: 0.4 },
        r: { value: 0.4 },
        d: { value: 0.4 },
        t: { value: 0.2 },
        score: 42,
        flagged: true,
        reasons: ['score'],
        medianActiveMs: 20_000,
        reference: 'median',
      });
      expect(q1.explanation).toContain('2 of 5 succeeded at their first attempt');
      const concerned = Object.fromEntries(
        (q1.learners as { learner: string; reasons: string[] }[]).map((l) => [l.learner, l.reasons]),
      );
      expect(concerned).toEqual({
        [learnerKey('bob')]: ['repeated', 'dropped'],
        [learnerKey('eve')]: ['repeated', 'dropped', 'slow'],
      });
      expect(r.body.activities[0].activity).toBe(act(1)); // ranked first
      const csv = await call(`/api/v1/courses/${C}/stuck-points?asOf=${AS_OF}`, {
        headers: { accept: 'text/csv' },
      });
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      const [head, first] = String(csv.body).split('\r\n');
      expect(head).toBe(
        'activity,title,sequence,position,n,assessed,p1,r,d,t,score,flagged,reasons,learners',
      );
      expect(first).toContain(`${act(1)},q1,`);
      expect(first).toContain(',5,5,0.4,0.4,0.4,0.2,42,true,score,');
    });

    it('serves the course list from the cache until a projected statement changes any course', async () => {
      const courses = () => call('/api/v1/courses', { auth: readOnly });
      const first = await courses();
      expect(first.status).toBe(200);
      const again = await courses();
      expect(again.headers.get('x-kairos-cache')).toBe('hit');
      expect(again.body).toEqual(first.body);
      const fresh = 'https://school.example/courses/cache-follows-projection';
      expect(
        (await post([answered({ who: 'ann', activity: `${fresh}/q1`, course: fresh, at: 1, success: true })]))
          .status,
      ).toBe(200);
      const listed = await until(courses, (r) =>
        (r.body.courses as { iri: string }[]).some((c) => c.iri === fresh),
      );
      expect((listed.body.courses as { iri: string }[]).map((c) => c.iri)).toContain(fresh);
      expect(listed.body.courses).toHaveLength(first.body.courses.length + 1);
    });

    it('serves competencies, learners and a learner’s detail with every BKT step', async () => {
      const comp = await until(
        () => call(`/api/v1/courses/${C}/competencies`),
        (x) => (x.body.cells ?? []).length === 5,
      );
      const cell = (who: string) =>
        comp.body.cells.find((c: { learner: string }) => c.learner === learnerKey(who));
      expect(cell('ann')).toMatchObject({ level: 'acquis', evidence: 2, p: expect.closeTo(0.874, 3) });
      expect(cell('bob')).toMatchObject({ level: 'non_acquis', evidence: 3, p: expect.closeTo(0.1145, 3) });
      expect(comp.body.competencies.map((c: { id: string }) => c.id)).toEqual([COMPETENCY]);
      const learners = await call(`/api/v1/courses/${C}/learners?asOf=${AS_OF}`);
      const eve = learners.body.learners.find((l: { learner: string }) => l.learner === learnerKey('eve'));
      expect(eve.flags).toMatchObject({ struggling: 1, stuck: 1, abandoned: true });
      expect(eve.raised).toEqual(['struggling', 'stuck', 'abandoned']);
      const bob = await call(
        `/api/v1/courses/${C}/learners/${encodeURIComponent(learnerKey('bob'))}?asOf=${AS_OF}`,
      );
      expect(bob.status).toBe(200);
      expect(bob.body.flags.struggling).toEqual([act(1)]);
      expect(
        bob.body.mastery[0].steps.map((s: { pAfter: number }) => Math.round(s.pAfter * 1e4) / 1e4),
      ).toEqual([0.1273, 0.1161, 0.1145]);
      expect(bob.body.timeline).toHaveLength(3);
      const item = await call(`/api/v1/courses/${C}/activities/${encodeURIComponent(act(1))}`);
      expect(item.body).toMatchObject({ n: 5, facility: 0.4 });
    });

    it('caches answers until the course’s figures change', async () => {
      // the default asOf (now, to the minute) is cached; an explicit one is computed each time
      const explicit = `/api/v1/courses/${C}/overview?asOf=${AS_OF}`;
      await call(explicit);
      expect((await call(explicit)).headers.get('x-kairos-cache')).toBeNull();
      const path = `/api/v1/courses/${C}/overview`;
      await call(path);
      const again = await call(path);
      expect(again.headers.get('x-kairos-cache')).toBe('hit');
      expect(again.body).toMatchObject({ roster: 5, started: 5, notStarted: 0 });
      await post([answered({ who: 'fay', activity: act(1), at: 50, success: true })]);
      const changed = await until(
        () => call(path),
        (x) => x.body.roster === 6,
      );
      expect(changed.body.roster).toBe(6);
    });

    it('takes a voided answer out of the figures', async () => {
      const extra = answered({ who: 'gus', activity: act(2), at: 60, success: false });
      await post([extra]);
      const q2 = async () =>
        ((await stuck()).body.activities as { activity: string; n: number }[]).find(
          (a) => a.activity === act(2),
        )?.n;
      expect(await until(q2, (n) => n === 2)).toBe(2);
      const voiding = statement('voided', { who: 'teacher', activity: act(2), at: 61 }) as unknown as Record<
        string,
        unknown
      >;
      await post([{ ...voiding, object: { objectType: 'StatementRef', id: extra.id } }]);
      expect(await until(q2, (n) => n === 1)).toBe(1);
    });

    it('follows a teacher’s expected time and declared order', async () => {
      const put = await call(`/api/v1/courses/${C}/settings`, {
        method: 'PUT',
        body: JSON.stringify({ expectedSeconds: { [act(1)]: 6 } }),
      });
      expect(put.status).toBe(200);
      // 2 × 6 s = 12 s: bob (15 s) and eve (150 s) have no success and are over it (of 6 learners, with fay)
      const r = await until(stuck, (x) => q1Of(x)?.reference === 'expected');
      expect(q1Of(r)).toMatchObject({ n: 6, reference: 'expected', referenceMs: 6000, t: { value: 2 / 6 } });
      expect(q1Of(r)!.learners.filter((l: { reasons: string[] }) => l.reasons.includes('slow'))).toHaveLength(
        2,
      );
      const structure = await call(`/api/v1/courses/${C}/structure`, {
        method: 'PUT',
        body: JSON.stringify({
          sequences: [
            {
              id: `${COURSE}/sequences/1`,
              title: 'Comparer',
              activities: [{ id: act(3) }, { id: act(2) }, { id: act(1) }],
            },
          ],
        }),
      });
      expect(structure.status).toBe(200);
      const after = await stuck();
      const pos = Object.fromEntries(
        (after.body.activities as { activity: string; position: number }[]).map((a) => [
          a.activity,
          a.position,
        ]),
      );
      expect(pos).toEqual({ [act(3)]: 1, [act(2)]: 2, [act(1)]: 3 });
      expect(after.body.activities[0].sequenceTitle).toBe('Comparer');
    });

    it('imports a framework, aligns activities and refolds mastery', async () => {
      const csv =
        'code,title,type,domain,expected level\nNC1,Comparer des fractions,competence,Nombres,maitrise\n';
      const imported = await call('/api/v1/frameworks?framework=maths&title=Maths', {
        method: 'POST',
        body: csv,
        headers: { 'content-type': 'text/csv' },
      });
      expect(imported).toMatchObject({ status: 201, body: { imported: 1, source: 'csv' } });
      const aligned = await call('/api/v1/alignments', {
        method: 'PUT',
        body: 'activity,competency,weight\n' + `${act(3)},NC1,1\n${act(1)},NC1,0.5\n`,
        headers: { 'content-type': 'text/csv' },
      });
      expect(aligned.status).toBe(200);
      expect(aligned.body.alignments).toBe(2);
      const comp = await call(`/api/v1/courses/${C}/competencies`);
      const nc1 = comp.body.competencies.find((c: { code?: string }) => c.code === 'NC1');
      expect(nc1).toMatchObject({
        title: 'Comparer des fractions',
        domain: 'Nombres',
        expectedLevel: 'maitrise',
      });
      const ann = comp.body.cells.find(
        (c: { learner: string; competency: string }) =>
          c.learner === learnerKey('ann') && c.competency === nc1.id,
      );
      // ann: q1 right at weight 0.5: 0.2 + 0.5·(0.52941 − 0.2) = 0.36471, + 0.63529·0.05 = 0.39647;
      // then q3 right at weight 1: 0.35682 / 0.47753 = 0.74723, + 0.25277·0.1 = 0.77251
      expect(ann).toMatchObject({ evidence: 2, p: expect.closeTo(0.7725, 3), level: 'en_cours' });
      const level = await call(`/api/v1/courses/${C}/assessments`, {
        method: 'POST',
        body: JSON.stringify({
          learner: learnerKey('ann'),
          competency: 'NC1',
          level: 'expert',
          note: 'oral',
        }),
      });
      expect(level.status).toBe(201);
      // a level for someone who is not a learner of the course is refused, and nothing is stored
      const stranger = await call(`/api/v1/courses/${C}/assessments`, {
        method: 'POST',
        body: JSON.stringify({ learner: learnerKey('nobody'), competency: 'NC1', level: 'expert' }),
      });
      expect(stranger.status).toBe(404);
      expect(stranger.body.code).toBe('learner_not_found');
      const after = await call(`/api/v1/courses/${C}/competencies`);
      const cell = after.body.cells.find(
        (c: { learner: string; competency: string }) =>
          c.learner === learnerKey('ann') && c.competency === nc1.id,
      );
      expect(cell).toMatchObject({ level: 'en_cours', manual: { level: 'expert', note: 'oral' } });
    });

    it('lets a learner read only its own analytics, and keys only their tenant', async () => {
      const minted = await call('/api/v1/tokens', {
        method: 'POST',
        body: JSON.stringify({ role: 'learner', actor: learner('ann') }),
      });
      const token = `Bearer ${minted.body.token}`;
      expect((await call(`/api/v1/courses/${C}/learners/me`, { auth: token })).status).toBe(200);
      expect(
        (
          await call(`/api/v1/courses/${C}/learners/${encodeURIComponent(learnerKey('bob'))}`, {
            auth: token,
          })
        ).status,
      ).toBe(403);
      expect((await call(`/api/v1/courses/${C}/stuck-points`, { auth: token })).status).toBe(403);
      expect((await call('/api/v1/courses', { auth: token })).status).toBe(403);
      expect(
        (await call(`/api/v1/courses/${C}/settings`, { method: 'PUT', body: '{}', auth: readOnly })).status,
      ).toBe(403);
      const other = await createApiKey(stores.record.credentials, {
        tenantId: 'other',
        name: 'x',
        scopes: ['all'],
      });
      const otherAuth = `Basic ${Buffer.from(`${other.record.key}:${other.secret}`).toString('base64')}`;
      const theirs = await call(`/api/v1/courses/${C}/stuck-points`, { auth: otherAuth });
      expect(theirs.status).toBe(200);
      expect(theirs.body.activities).toEqual([]);
      expect((await call('/api/v1/courses', { auth: otherAuth })).body.courses).toEqual([]);
      const bad = await call(`/api/v1/courses/${C}/stuck-points?asOf=yesterday`);
      expect(bad).toMatchObject({ status: 400, body: { code: 'invalid_query' } });
    });

    it('describes itself in OpenAPI 3.1', async () => {
      const doc = await call('/api/v1/openapi.json');
      expect(doc.body.openapi).toBe('3.1.0');
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining([
          '/courses',
          '/courses/{course}/stuck-points',
          '/courses/{course}/learners/{learner}',
          '/courses/{course}/events',
          '/tokens',
        ]),
      );
      const params = doc.body.paths['/courses/{course}/stuck-points'].get.parameters.map(
        (p: { name: string }) => p.name,
      );
      expect(params).toEqual(['course', 'asOf', 'group', 'from', 'to']);
    });

    it('streams who just got stuck to an open dashboard within 2 s', async () => {
      const ctrl = new AbortController();
      const res = await fetch(`${app.url}/api/v1/courses/${C}/events`, {
        headers: { authorization: readOnly, accept: 'text/event-stream' },
        signal: ctrl.signal,
      });
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = res.body!.getReader();
      let text = '';
      const started = Date.now();
      const sent = [1, 2, 3].map((i) =>
        answered({ who: 'hal', activity: act(2), at: 70 + i, success: false, attempt: i }),
      );
      const reading = (async () => {
        while (!text.includes('event: struggling')) {
          const { value, done } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
      })();
      await new Promise((r) => setTimeout(r, 100));
      await post(sent);
      await Promise.race([reading, new Promise((r) => setTimeout(r, 5000))]);
      const elapsed = Date.now() - started;
      ctrl.abort();
      expect(text).toContain('event: struggling');
      expect(text).toContain(learnerKey('hal'));
      expect(elapsed).toBeLessThan(2500);
    });
  });
}
