import type { Forwarding } from './job.js';

declare global {
  namespace Express {
    interface Locals {
      /** Statement forwarding of this process (the admin commands, the dashboard and tests use it). */
      forwarding: Forwarding;
    }
  }
}
