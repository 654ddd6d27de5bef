export { defineElement } from './define.js';
export * from './learner/index.js';
export * from './shared/index.js';
export * from './teacher/index.js';
