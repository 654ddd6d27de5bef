// An xAPI package as authoring tools make them: no SDK, plain fetch, and everything about the LRS and the
// learner from the launch URL, Rustici/TinCan style:
//   index.html?endpoint=…&auth=Basic%20…&actor={…}&registration=…&activity_id=…
// It records each answer, the result, and keeps a bookmark in the State API so a learner can resume.
(() => {
  const $ = (id) => document.getElementById(id);
  const status = (text) => ($('status').textContent = text);
  const log = (line) => ($('log').textContent += `${line}\n`);

  const q = new URLSearchParams(location.search);
  const missing = ['endpoint', 'auth', 'actor', 'activity_id'].filter((k) => !q.get(k));
  if (missing.length) {
    status(`This package needs a launch URL with ${missing.join(', ')} (README.md: "Launch it").`);
    $('module').hidden = true;
    return;
  }
  const endpoint = q.get('endpoint').replace(/\/?$/, '/'); // "…/xapi" or "…/xapi/"
  const auth = q.get('auth');
  const registration = q.get('registration') || undefined;
  const root = q.get('activity_id');
  let actor;
  try {
    actor = JSON.parse(q.get('actor'));
  } catch {
    status(
      'The launch URL\'s actor is not JSON: pass actor={"objectType":"Agent","account":{…}} (URL-encoded).',
    );
    return;
  }
  // Some launchers still send TinCan 0.9 actors, each field a list: {"name":["Ada"],"mbox":["mailto:…"]}.
  for (const k of ['name', 'mbox', 'mbox_sha1sum', 'openid', 'account'])
    if (Array.isArray(actor[k])) actor[k] = actor[k][0];
  if (actor.account && 'accountServiceHomePage' in actor.account)
    actor.account = { homePage: actor.account.accountServiceHomePage, name: actor.account.accountName };
  if (actor.objectType !== 'Group') actor.objectType = 'Agent'; // 0.9's "Person"

  const headers = { Authorization: auth, 'X-Experience-API-Version': '1.0.3' };
  const course = {
    objectType: 'Activity',
    id: root,
    definition: { type: 'http://adlnet.gov/expapi/activities/course', name: { 'en-US': 'Percentages' } },
  };
  const questions = {
    q1: {
      id: `${root}/q1`,
      definition: {
        type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
        name: { 'en-US': '10% of 250' },
        interactionType: 'choice',
        correctResponsesPattern: ['b'],
        choices: [
          { id: 'a', description: { 'en-US': '2.5' } },
          { id: 'b', description: { 'en-US': '25' } },
          { id: 'c', description: { 'en-US': '250' } },
        ],
      },
      correct: (v) => v === 'b',
    },
    q2: {
      id: `${root}/q2`,
      definition: {
        type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
        name: { 'en-US': '80 plus 25%' },
        interactionType: 'numeric',
        correctResponsesPattern: ['100[:]100'],
      },
      correct: (v) => Number(v.replace(',', '.')) === 100,
    },
  };
  // crypto.randomUUID needs a secure context (https or localhost); an LMS may serve packages over http
  const uuid = () =>
    crypto.randomUUID?.() ??
    '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) =>
      (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16),
    );
  const verb = (name) => ({ id: `http://adlnet.gov/expapi/verbs/${name}`, display: { 'en-US': name } });

  /** Sends statements; each has its id from here, so sending one again is harmless. */
  async function send(...statements) {
    const body = statements.map((s) => ({
      id: uuid(),
      actor,
      timestamp: new Date().toISOString(),
      ...s,
      context: {
        ...(registration ? { registration } : {}),
        contextActivities: {
          grouping: [course],
          ...(s.object.id === root ? {} : { parent: [{ id: root }] }),
        },
      },
    }));
    try {
      const res = await fetch(`${endpoint}statements`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        keepalive: true, // the last statements leave even when the page closes
      });
      if (!res.ok) {
        const err = await res.json().catch(() => ({}));
        status(
          `The LRS refused ${body.length} statement(s): ${res.status} ${err.code ?? ''} — ${err.message ?? ''}`,
        );
        return false;
      }
      for (const s of body) log(`✓ ${s.verb.display['en-US']} ${s.object.id}`);
      return true;
    } catch {
      status(`The LRS at ${endpoint} is not reachable.`);
      return false;
    }
  }

  // The bookmark: one State document per learner, package and registration.
  const stateUrl = () => {
    const p = new URLSearchParams({ stateId: 'bookmark', activityId: root, agent: JSON.stringify(actor) });
    if (registration) p.set('registration', registration);
    return `${endpoint}activities/state?${p}`;
  };
  const answers = {};
  async function saveBookmark() {
    const res = await fetch(stateUrl(), {
      method: 'PUT',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ answers }),
    }).catch(() => undefined);
    if (!res?.ok)
      status(
        `The bookmark was not saved (${res?.status ?? 'network error'}): the key needs the scope state.`,
      );
  }
  async function loadBookmark() {
    const res = await fetch(stateUrl(), { headers }).catch(() => undefined);
    return res?.ok ? (await res.json()).answers : undefined;
  }

  const form = $('module');
  const answerOf = (key) => String(new FormData(form).get(key) ?? '').trim();
  let finished = false;

  (async () => {
    const kept = await loadBookmark();
    if (kept) {
      Object.assign(answers, kept);
      for (const [key, value] of Object.entries(kept)) {
        const radio = form.querySelector(`input[name="${key}"][value="${CSS.escape(value)}"]`);
        if (radio) radio.checked = true;
        else if (form.elements[key]) form.elements[key].value = value;
      }
      $('resumed').hidden = false;
    }
    await send({ verb: verb(kept ? 'resumed' : 'initialized'), object: course });
  })();

  // Each answer is recorded when given (change), and bookmarked.
  form.addEventListener('change', (event) => {
    const key = event.target.name;
    const question = questions[key];
    const value = answerOf(key);
    if (!question || value === '' || answers[key] === value) return;
    answers[key] = value;
    send({
      verb: verb('answered'),
      object: { objectType: 'Activity', id: question.id, definition: question.definition },
      result: { response: value, success: question.correct(value) },
    });
    saveBookmark();
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const right = Object.entries(questions).filter(([key, question]) =>
      question.correct(answerOf(key)),
    ).length;
    const scaled = right / 2;
    const score = { scaled, raw: right, min: 0, max: 2 };
    finished = await send(
      { verb: verb('completed'), object: course, result: { completion: true, score } },
      {
        verb: verb(scaled >= 0.5 ? 'passed' : 'failed'),
        object: course,
        result: { success: scaled >= 0.5, score },
      },
    );
    $('result').textContent = `Score: ${right} / 2${finished ? '' : ' (not recorded: see above)'}`;
  });

  addEventListener('pagehide', () => {
    if (finished) send({ verb: verb('terminated'), object: course });
    else send({ verb: verb('suspended'), object: course });
  });
})();
