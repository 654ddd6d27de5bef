import type { Express, NextFunction, Request, Response } from 'express';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { AppDeps } from '../http/app.js';
import type {} from './locals.js';

/** The route a request matched (`/api/v1/courses/:course/stuck-points`), so labels stay few. */
const routeOf = (req: Request) => (req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched');

/**
 * `/metrics` (Prometheus text): request rates and latencies by route, the Node process (memory, event
 * loop lag, GC), and what features add — projection lag, queue depths. Mounted first, so it times every
 * request.
 */
export function metricsFeature(app: Express, deps: AppDeps): void {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'kairos' });
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'kairos_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'kairos_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.locals.metrics = registry;
  app.use(function timeRequest(req: Request, res: Response, next: NextFunction) {
    const end = latency.startTimer();
    res.on('finish', () => {
      const route = routeOf(req);
      end({ method: req.method, route });
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  });
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  void deps;
}

/**
 * A gauge whose value is read when Prometheus scrapes (labels per value). When the read fails (a store
 * outage) the gauge is left empty for that scrape, and the others are still served: metrics matter most
 * while something is down.
 */
export function scrapedGauge(
  registry: Registry,
  name: string,
  help: string,
  labelNames: string[],
  read: () => Promise<{ labels: Record<string, string>; value: number }[]>,
): Gauge {
  return new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      const values = await read().catch(() => []);
      for (const { labels, value } of values) this.set(labels, value);
    },
  });
}
