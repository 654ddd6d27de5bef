import type { Projector } from './projection/projector.js';

declare global {
  namespace Express {
    interface Locals {
      /** The projection of this process (the admin commands and tests drive it). */
      projector: Projector;
    }
  }
}
