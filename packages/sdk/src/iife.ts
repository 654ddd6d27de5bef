// The `<script>` build (`dist/kairos.iife.js`, global `Kairos`, served at /sdk/kairos.js).
export * from './index.js';
export { fromLaunch } from './launch/index.js';
export { captureHistory } from './spa/index.js';
