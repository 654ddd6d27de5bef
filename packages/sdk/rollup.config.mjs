import { fileURLToPath } from 'node:url';
import { kairosPackage } from '../../rollup.config.mjs';

// Only the profile constants of @kairos/xapi are inlined; its validators (zod) never reach a browser bundle.
const profile = fileURLToPath(new URL('../xapi/src/profile.ts', import.meta.url));
const xapiProfile = {
  name: 'kairos-xapi-profile',
  resolveId: (id) => (id === '@kairos/xapi' ? profile : null),
};

const configs = kairosPackage({
  dir: import.meta.dirname,
  entries: { index: 'src/index.ts', spa: 'src/spa/index.ts', launch: 'src/launch/index.ts' },
  platform: 'browser',
  bundles: [{ input: 'src/iife.ts', file: 'dist/kairos.iife.js', name: 'Kairos', format: 'iife' }],
});
for (const c of configs) c.plugins.unshift(xapiProfile);
export default configs;
