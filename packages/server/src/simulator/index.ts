/**
 * The class simulator: a realistic course and class whose statements drive `kairos demo`, the
 * benchmarks and the end-to-end tests.
 */
export { type ClassOptions, type Profile, type SimClass, type SimLearner, simulateClass } from './class.js';
export { frameworkCsv, type SimActivity, type SimCompetency, type SimCourse, structureOf } from './course.js';
export { type Random, random } from './random.js';
