import type { LaunchSpec } from '../../lti-platform/index.js';
import type { FuzzRequest } from './harness.js';
import { mutateJson, mutatePairs, mutateString, type Pairs } from './mutate.js';
import type { Random } from './random.js';
import { type FuzzServer, REGISTRATION_TOKEN } from './server.js';
import { mutateTemplate, render, type Target, type Template, templateTarget } from './target.js';

/** The fields of every `<input>` and `<textarea>` of a page (the quiz editor's form), in page order. */
export function formFields(html: string): Pairs {
  const unentity = (v: string) =>
    v
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  const pairs: Pairs = [];
  for (const m of html.matchAll(/<(input|textarea)\b([^>]*)>(?:([^<]*)<\/textarea>)?/g)) {
    const name = /\bname="([^"]+)"/.exec(m[2]!)?.[1];
    if (!name) continue;
    const type = /\btype="([^"]+)"/.exec(m[2]!)?.[1];
    if ((type === 'checkbox' || type === 'radio') && !/\bchecked\b/.test(m[2]!)) continue;
    if (type === 'submit') continue;
    const value = m[1] === 'textarea' ? (m[3] ?? '') : (/\bvalue="([^"]*)"/.exec(m[2]!)?.[1] ?? '');
    pairs.push([unentity(name), unentity(value)]);
  }
  return pairs;
}

/** One login at Kairos (as the platform's frame would), up to the authorization request it redirects to. */
async function login(s: FuzzServer, spec: LaunchSpec) {
  const res = await fetch(s.lms.loginUrl(spec), { redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`login: ${res.status} ${await res.text()}`);
  const auth = new URL(location);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie, state: auth.searchParams.get('state')!, nonce: auth.searchParams.get('nonce')! };
}

/**
 * A launch whose id_token is signed by the registered platform's own key but carries mutated claims (so
 * the request gets past the signature into the claim checks and the launch handlers), or whose form
 * fields, state or cookie are mutated.
 */
function launchTarget(s: FuzzServer, name: string, spec: () => LaunchSpec): Target {
  return {
    area: 'lti',
    name,
    shape: 'json-or-page',
    async mutated(r: Random): Promise<FuzzRequest> {
      const base = spec();
      const flow = await login(s, base);
      const claimsRoll = r.next();
      const tampered: LaunchSpec = {
        ...base,
        tamper: (claims) => {
          if (claimsRoll >= 0.7) return;
          const keys = Object.keys(claims);
          // mutate one claim, or the whole claim set (which may drop the nonce or the issuer)
          if (r.chance(0.85)) {
            const k = r.pick(keys.filter((k) => k !== 'nonce' || r.chance(0.1)));
            claims[k] = mutateJson(claims[k], r);
          } else {
            const whole = mutateJson(claims, r);
            for (const k of keys) delete claims[k];
            if (whole && typeof whole === 'object' && !Array.isArray(whole)) Object.assign(claims, whole);
          }
        },
      };
      // claims jose cannot sign (nested past its stack) go unmutated: the fuzz is of Kairos, not of jose
      const idToken = await s.lms.idToken(tampered, flow.nonce).catch(() => s.lms.idToken(base, flow.nonce));
      let fields: Pairs = [
        ['id_token', idToken],
        ['state', flow.state],
      ];
      let cookie: string | undefined = flow.cookie;
      if (claimsRoll >= 0.7) {
        if (r.chance(0.8)) fields = mutatePairs(fields, r);
        else cookie = r.chance(0.5) ? undefined : mutateString(flow.cookie, r).replace(/[^\x21-\x7e]/g, '');
      }
      return {
        method: 'POST',
        path: '/lti/launch',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'text/html',
          ...(cookie ? { cookie } : {}),
        },
        body: new URLSearchParams(fields).toString(),
      };
    },
  };
}

/**
 * The `/lti` targets: login initiation (GET and POST), the launch (resource link as learner and
 * instructor, deep linking), the launch address's info page, dynamic registration, the Canvas
 * configuration, the deep linking picker's response and the quiz editor — with the state, cookies and
 * signed sessions of real flows, so mutated requests reach the handlers behind them.
 */
export async function ltiTargets(s: FuzzServer): Promise<Target[]> {
  const { users, course } = s.lms;
  const learnerSpec = (): LaunchSpec => ({
    user: users.learner,
    course,
    resourceLink: { id: 'rl-fuzz', title: 'Quiz' },
  });
  const instructorSpec = (): LaunchSpec => ({
    user: users.instructor,
    course,
    resourceLink: { id: 'rl-fuzz' },
  });
  const linkingSpec = (): LaunchSpec => ({
    user: users.instructor,
    course,
    messageType: 'LtiDeepLinkingRequest',
  });
  const html = { accept: 'text/html' };
  const base = { area: 'lti', shape: 'json-or-page' as const, headers: html };
  const loginPairs = Object.entries(s.lms.loginParams(learnerSpec()).params) as Pairs;

  // a real deep linking launch: its picker session, then the quiz editor's form
  const dl = await login(s, linkingSpec());
  const dlPage = await fetch(`${s.url}/lti/launch`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: dl.cookie },
    body: new URLSearchParams({ id_token: await s.lms.idToken(linkingSpec(), dl.nonce), state: dl.state }),
  });
  const session = /name="session" value="([^"]+)"/.exec(await dlPage.text())?.[1];
  if (!session) throw new Error(`no picker session after a deep linking launch (${dlPage.status})`);
  const editor = await fetch(`${s.url}/lti/deep-link/quiz`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ session, action: 'write' }),
  });
  const quizFields = formFields(await editor.text()).filter(([k]) => k !== 'action');
  const quiz = (action: string): Pairs => [...quizFields, ['action', action]];

  const templates: Template[] = [
    { ...base, name: 'GET /lti/login', method: 'GET', path: '/lti/login', query: loginPairs },
    {
      ...base,
      name: 'POST /lti/login',
      method: 'POST',
      path: '/lti/login',
      body: { kind: 'form', pairs: loginPairs },
    },
    { ...base, name: 'GET /lti/launch', method: 'GET', path: '/lti/launch', query: [['x', '1']] },
    { ...base, name: 'GET /lti/canvas.json', method: 'GET', path: '/lti/canvas.json', query: [] },
    {
      ...base,
      name: 'POST /lti/deep-link',
      method: 'POST',
      path: '/lti/deep-link',
      body: {
        kind: 'form',
        pairs: [
          ['session', session],
          ['items', 'fractions'],
          ['items', 'reading'],
        ],
      },
    },
    ...['update', 'add', 'remove-1', 'import', 'save', 'save-json'].map(
      (action): Template => ({
        ...base,
        name: `POST /lti/deep-link/quiz (${action})`,
        method: 'POST',
        path: '/lti/deep-link/quiz',
        body: {
          kind: 'form',
          pairs:
            action === 'import' || action === 'save-json'
              ? [
                  ...quiz(action).filter(([k]) => k !== 'json'),
                  [
                    'json',
                    JSON.stringify({
                      title: 'Q',
                      questions: [{ type: 'choice', prompt: 'p', choices: ['a', 'b'], correct: [0] }],
                    }),
                  ],
                ]
              : quiz(action),
        },
      }),
    ),
  ];
  return [
    ...templates.map(templateTarget),
    {
      // each case has a registration token of its own (the platform takes each once, as Moodle does)
      area: 'lti',
      name: 'GET /lti/register',
      shape: 'json-or-page',
      // the LMS (the test platform) refused the registration or its configuration: Kairos says so with a 502
      upstream: (res) => /Error <code>registration_failed<\/code>/.test(res.body),
      mutated(r) {
        const registration = new URL(s.lms.registrationUrl(`${s.url}/lti/register`));
        return mutateTemplate(
          {
            ...base,
            name: 'GET /lti/register',
            method: 'GET',
            path: '/lti/register',
            query: [['token', REGISTRATION_TOKEN], ...registration.searchParams],
          },
          r,
        );
      },
    },
    launchTarget(s, 'POST /lti/launch (learner)', learnerSpec),
    launchTarget(s, 'POST /lti/launch (instructor)', instructorSpec),
    launchTarget(s, 'POST /lti/launch (deep linking)', linkingSpec),
    // the raw id_token field itself: not a JWT, a JWT of another shape, duplicated
    {
      area: 'lti',
      name: 'POST /lti/launch (id_token text)',
      shape: 'json-or-page',
      async mutated(r) {
        const flow = await login(s, learnerSpec());
        const token = await s.lms.idToken(learnerSpec(), flow.nonce);
        const [h, p, sig] = token.split('.');
        const id = r.pick([
          mutateString(token, r),
          `${h}.${p}`,
          `${h}..${sig}`,
          `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`,
          `${Buffer.from('{"alg":"HS256","kid":"x"}').toString('base64url')}.${p}.${sig}`,
          `${Buffer.from(JSON.stringify({ alg: 'RS256', kid: '../../x', jku: 'http://lms.invalid/jwks' })).toString('base64url')}.${p}.${sig}`,
          `${h}.${Buffer.from('[]').toString('base64url')}.${sig}`,
          `${h}.${Buffer.from('null').toString('base64url')}.${sig}`,
        ]);
        return render({
          ...base,
          name: '',
          method: 'POST',
          path: '/lti/launch',
          headers: { ...html, cookie: flow.cookie },
          body: {
            kind: 'form',
            pairs: [
              ['id_token', id],
              ['state', flow.state],
            ],
          },
        });
      },
    },
  ];
}
