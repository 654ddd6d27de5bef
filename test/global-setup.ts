import { loadServicesEnv } from './support/services-env.js';

/** Loads the URLs written by `test/services/up` so every test worker sees the same services. */
export default function setup(): void {
  loadServicesEnv();
}
