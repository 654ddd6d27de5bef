export { defineElement } from './define.js';
