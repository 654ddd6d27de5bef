// A site with its own users that embeds Kairos: it holds an API key (env), mints short-lived tokens for
// its logged-in users through POST /api/v1/tokens, and writes them into its pages next to the widgets.
// The key's secret never leaves this process. Run: KAIROS_URL=… KAIROS_KEY=… KAIROS_SECRET=… node server.mjs
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import express from 'express';

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set: see README.md (KAIROS_URL, KAIROS_KEY, KAIROS_SECRET).`);
    process.exit(2);
  }
  return value;
};
const KAIROS = env('KAIROS_URL').replace(/\/+$/, ''); // as the users' browsers reach it
const AUTH = `Basic ${Buffer.from(`${env('KAIROS_KEY')}:${env('KAIROS_SECRET')}`).toString('base64')}`;
const PORT = Number(process.env.PORT ?? 4000);

// The site's own names in the statements: its user accounts, and the course as an IRI under its domain.
const HOME = 'https://school.example';
const COURSE = 'https://school.example/courses/percentages';

// A fake login: pick a user. Replace with your own sessions; only the user's id goes to Kairos as the
// learner (an opaque account), and the names only in the roster (below), never in statements.
const USERS = {
  ada: { name: 'Ada Lovelace', role: 'learner' },
  alan: { name: 'Alan Turing', role: 'learner' },
  marie: { name: 'Marie Curie', role: 'teacher' },
};
const sessions = new Map(); // session id → user id
const actorOf = (id) => ({ objectType: 'Agent', account: { homePage: HOME, name: id } });

/** Calls Kairos with the site's key; throws with Kairos's own code and message. */
async function kairos(method, path, body) {
  const res = await fetch(`${KAIROS}${path}`, {
    method,
    headers: { authorization: AUTH, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`Kairos answered ${res.status} ${answer.code ?? ''}: ${answer.message ?? ''}`);
  return answer;
}

/** A learner token: writes this user's statements and reads their own progress, in this course. */
const learnerToken = (id) =>
  kairos('POST', '/api/v1/tokens', { role: 'learner', actor: actorOf(id), contextId: COURSE, ttl: 3600 });
/** An instructor token for this course: reads its analytics, and lets the teacher set levels. */
const instructorToken = () =>
  kairos('POST', '/api/v1/tokens', {
    role: 'instructor',
    contextId: COURSE,
    scopes: ['analytics/read', 'analytics/write'],
    ttl: 3600,
  });

const esc = (s) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
const page = (title, body, who) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:64rem;margin:2rem auto;padding:0 1rem}
header{display:flex;justify-content:space-between;align-items:center}</style></head><body>
<header><strong>School example</strong>${who ? `<form method="post" action="/logout">${esc(who.name)} <button>Log out</button></form>` : ''}</header>
<main><h1>${esc(title)}</h1>${body}</main></body></html>`;

const app = express();
app.use(express.urlencoded({ extended: false }));
app.get('/quiz.json', (_req, res) =>
  res.type('json').send(readFileSync(new URL('quiz.json', import.meta.url))),
);

const userOf = (req) => {
  const sid = /(?:^|;\s*)sid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
  const id = sid && sessions.get(sid);
  return id ? { id, ...USERS[id] } : undefined;
};
const home = (user) => (user.role === 'teacher' ? '/teach' : '/learn');

app.get('/', (req, res) => {
  const user = userOf(req);
  if (user) return res.redirect(home(user));
  const buttons = Object.entries(USERS)
    .map(([id, u]) => `<button name="user" value="${id}">${esc(u.name)} (${u.role})</button>`)
    .join(' ');
  res.send(page('Log in', `<form method="post" action="/login"><p>Log in as</p>${buttons}</form>`));
});
app.post('/login', (req, res) => {
  const id = req.body.user;
  if (!USERS[id]) return res.status(400).send(page('Log in', '<p>Unknown user.</p>'));
  const sid = randomBytes(24).toString('base64url');
  sessions.set(sid, id);
  res.cookie('sid', sid, { httpOnly: true, sameSite: 'lax' }).redirect(home(USERS[id]));
});
app.post('/logout', (req, res) => {
  sessions.delete(/(?:^|;\s*)sid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1]);
  res.clearCookie('sid').redirect('/');
});

/** Pages with a token are for one user only: never cached. */
const only = (role) => (req, res, next) => {
  const user = userOf(req);
  if (!user) return res.redirect('/');
  if (user.role !== role)
    return res.status(403).send(page('Not for you', `<p>This page is for ${role}s.</p>`, user));
  res.locals.user = user;
  res.set('Cache-Control', 'no-store');
  next();
};
const failed = (res, user, err) =>
  res.status(502).send(page('Kairos is not available', `<p role="alert">${esc(err.message)}</p>`, user));

app.get('/learn', only('learner'), async (_req, res) => {
  const { user } = res.locals;
  let token;
  try {
    ({ token } = await learnerToken(user.id));
  } catch (err) {
    return failed(res, user, err);
  }
  const widget = `endpoint="${esc(`${KAIROS}/xapi`)}" token="${esc(token)}" actor="${esc(JSON.stringify(actorOf(user.id)))}" course="${esc(COURSE)}"`;
  res.send(
    page(
      'Percentages',
      `<kairos-quiz src="/quiz.json" ${widget}></kairos-quiz>
<h2>Your progress</h2>
<kairos-progress endpoint="${esc(`${KAIROS}/api/v1`)}" token="${esc(token)}" course="${esc(COURSE)}"></kairos-progress>
<script type="module" src="${esc(KAIROS)}/elements/kairos-learner.js"></script>
<script type="module">
  // the analytics follow an answer within seconds
  document.addEventListener('kairos-complete', () =>
    setTimeout(() => document.querySelector('kairos-progress').refresh(), 2000));
</script>`,
      user,
    ),
  );
});

app.get('/teach', only('teacher'), async (_req, res) => {
  const { user } = res.locals;
  let token;
  try {
    ({ token } = await instructorToken());
  } catch (err) {
    return failed(res, user, err);
  }
  res.send(
    page(
      'Percentages — the class',
      `<kairos-dashboard endpoint="${esc(`${KAIROS}/api/v1`)}" token="${esc(token)}" course="${esc(COURSE)}"></kairos-dashboard>
<script type="module" src="${esc(KAIROS)}/elements/kairos-dashboard.js"></script>`,
      user,
    ),
  );
});

// The class list, so the dashboard names learners and counts those who have not started yet.
try {
  const learners = Object.entries(USERS)
    .filter(([, u]) => u.role === 'learner')
    .map(([id, u]) => ({ id, actor: actorOf(id), name: u.name }));
  await kairos('PUT', `/api/v1/courses/${encodeURIComponent(COURSE)}/roster`, {
    title: 'Percentages',
    learners,
  });
} catch (err) {
  console.warn(`The roster was not sent (${err.message}); the dashboard will show learners once they start.`);
}

const server = app.listen(PORT, () => console.log(`Site on http://localhost:${server.address().port}`));
