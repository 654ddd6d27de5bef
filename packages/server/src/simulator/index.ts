/**
 * The class simulator: a realistic course and class whose statements drive `kairos demo`, the
 * benchmarks and the end-to-end tests. They reach an LRS in batched posts (`seedClass` in ../demo), or,
 * as an option, through the browser SDK in Chromium, one tracker per learner ({@link sendThroughSdk},
 * `kairos demo --browser`).
 */
export { type ClassOptions, type Profile, type SimClass, type SimLearner, simulateClass } from './class.js';
export { frameworkCsv, type SimActivity, type SimCompetency, type SimCourse, structureOf } from './course.js';
export { type Random, random } from './random.js';
export { defaultChromium, type SdkDriverOptions, sdkBrowser, sendThroughSdk } from './sdk.js';
