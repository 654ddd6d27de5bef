// Prints the launch URL of this package for one learner, as an LMS or launcher builds it (TinCan style):
//   node examples/existing-xapi-content/launch-url.mjs KEY SECRET [learner-id]
// KAIROS_URL (default http://localhost:3000) is the Kairos server; CONTENT_URL (default
// http://localhost:8080/index.html) is where this folder is served; LMS_URL (default https://lms.example)
// names the learner accounts' home page.
import { randomUUID } from 'node:crypto';

const [key, secret, learner = 'learner-42'] = process.argv.slice(2);
if (!key || !secret) {
  console.error('usage: node launch-url.mjs KEY SECRET [learner-id]   (from `npx kairos keys create …`)');
  process.exit(2);
}
const kairos = (process.env.KAIROS_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
const content = process.env.CONTENT_URL ?? 'http://localhost:8080/index.html';
const query = new URLSearchParams({
  endpoint: `${kairos}/xapi/`,
  auth: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`,
  actor: JSON.stringify({
    objectType: 'Agent',
    account: { homePage: process.env.LMS_URL ?? 'https://lms.example', name: learner },
  }),
  registration: randomUUID(), // one attempt: a new one starts over, the same one resumes
  activity_id: 'https://content.example/packages/percentages',
});
// encodeURIComponent's %20 rather than URLSearchParams' +, as TinCan launchers write it
console.log(`${content}?${query.toString().replaceAll('+', '%20')}`);
