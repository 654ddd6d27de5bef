import type { Registry } from 'prom-client';

declare global {
  namespace Express {
    interface Locals {
      /** The process's Prometheus registry (features add their gauges to it). */
      metrics: Registry;
    }
  }
}
