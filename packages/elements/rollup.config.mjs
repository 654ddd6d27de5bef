import { existsSync, readdirSync } from 'node:fs';
import { kairosPackage } from '../../rollup.config.mjs';

// One entry per element's define module (`@kairos/elements/quiz.js`…), and the two script-tag bundles.
const defines = readdirSync(new URL('src/define', import.meta.url)).filter((f) => f.endsWith('.ts'));
const bundle = (name) => existsSync(new URL(`src/bundles/${name}.ts`, import.meta.url));

export default kairosPackage({
  dir: import.meta.dirname,
  entries: {
    index: 'src/index.ts',
    'quiz-definition': 'src/quiz-definition.ts',
    ...Object.fromEntries(defines.map((f) => [`define/${f.slice(0, -3)}`, `src/define/${f}`])),
  },
  platform: 'browser',
  bundles: ['learner', 'dashboard']
    .filter(bundle)
    .map((name) => ({ input: `src/bundles/${name}.ts`, file: `dist/kairos-${name}.js`, format: 'es' })),
});
