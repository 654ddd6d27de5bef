/**
 * Runs the LTI 1.3 test platform as a process:
 * `node scripts/run-ts.mjs test/lti-platform/main.ts [--port 4100] [--tool http://localhost:3000]`.
 * Prints the issuer and a dynamic registration URL for the tool; a course page at /course/launch?user=ID.
 */
import { parseArgs } from 'node:util';
import { createTestPlatform } from './index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4100' },
    tool: { type: 'string', default: 'http://localhost:3000' },
  },
});
const lms = await createTestPlatform({ publicHost: 'localhost' });
const issuer = await lms.start(Number(values.port));
console.log(`test LMS at ${issuer} (issuer), JWKS ${issuer}/jwks`);
console.log(`register the tool: open ${lms.registrationUrl(`${values.tool}/lti/register`)}`);
console.log(`then launch: ${issuer}/course/launch?user=${lms.users.learner.id}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => void lms.close().then(() => process.exit(0)));
