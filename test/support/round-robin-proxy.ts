import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local HTTP proxy in front of several Kairos processes. */
export interface RoundRobinProxy {
  url: string;
  /** Requests each upstream served, by index. */
  served: number[];
  /** The upstreams (base URLs) from now on; until set, requests answer 503. */
  setUpstreams(upstreams: string[]): void;
  close(): Promise<void>;
}

/** Request header that pins a request to upstream N (0-based) instead of the next in turn. */
export const PIN_HEADER = 'x-test-upstream';
/** Response header naming the upstream (0-based) that answered. */
export const SERVED_BY_HEADER = 'x-test-served-by';

/**
 * Starts a round-robin reverse proxy on 127.0.0.1 (a free port) in front of `upstreams` (base URLs, or
 * set later with `setUpstreams`, once the processes know the proxy's URL as their public URL): each
 * request goes to the next upstream in turn, or to the one {@link PIN_HEADER} names. Bodies are piped both
 * ways without buffering, so server-sent events stream through as they are written. The `Host` header is
 * kept (every process shares the public URL, the proxy's). An upstream that cannot be reached answers 502.
 */
export async function startRoundRobinProxy(upstreams: string[] = []): Promise<RoundRobinProxy> {
  let targets = upstreams.map((u) => new URL(u));
  const served: number[] = targets.map(() => 0);
  // a new upstream connection per request: a reused idle one can be closed by the server's keep-alive
  // timeout just as a request goes out on it (an ECONNRESET the proxy would turn into a 502)
  const agent = new http.Agent({ keepAlive: false, maxSockets: 256 });
  let turn = 0;
  const server = http.createServer((req, res) => {
    if (targets.length === 0) {
      res.writeHead(503).end();
      return;
    }
    const pinned = Number(req.headers[PIN_HEADER]);
    const index = Number.isInteger(pinned) && targets[pinned] ? pinned : turn++ % targets.length;
    const target = targets[index]!;
    served[index]!++;
    const headers = { ...req.headers };
    delete headers[PIN_HEADER];
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, [SERVED_BY_HEADER]: String(index) });
        res.flushHeaders();
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { [SERVED_BY_HEADER]: String(index) });
      res.end();
    });
    // the client went away (an SSE listener closing): close the upstream request too
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    setUpstreams(list) {
      targets = list.map((u) => new URL(u));
      served.splice(0, served.length, ...targets.map(() => 0));
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      agent.destroy();
    },
  };
}
