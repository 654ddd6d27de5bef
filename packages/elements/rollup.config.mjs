import { kairosPackage } from '../../rollup.config.mjs';

export default kairosPackage({
  dir: import.meta.dirname,
  entries: { index: 'src/index.ts' },
  platform: 'browser',
});
