import type { ReprojectProgress } from '../analytics/projection/projector.js';
import { KairosError } from '../errors.js';
import type { AdminChannel } from './channel.js';
import type { AdminOperations } from './operations.js';

/** Admin operations sent to a running server through its admin channel. */
export function remoteOperations(channel: AdminChannel): AdminOperations {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(`${channel.url}/admin/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${channel.token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new KairosError(
        'server_unreachable',
        `the Kairos server (pid ${channel.pid}) holds the data directory but does not answer at ${channel.url}: ${(error as Error).message}`,
      );
    }
    const json = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
    if (!res.ok)
      throw new KairosError(json.code ?? 'admin_failed', json.message ?? `server answered ${res.status}`, {
        status: res.status,
      });
    return json as T;
  };
  return {
    createKey: (input) => call('POST', '/keys', input),
    listKeys: (tenantId) => call('GET', `/keys${tenantId ? `?tenant=${encodeURIComponent(tenantId)}` : ''}`),
    revokeKey: async (key) =>
      (await call<{ revoked: boolean }>('DELETE', `/keys/${encodeURIComponent(key)}`)).revoked,
    addForwarder: (input) => call('POST', '/forwarders', input),
    listForwarders: (tenantId) =>
      call('GET', `/forwarders${tenantId ? `?tenant=${encodeURIComponent(tenantId)}` : ''}`),
    removeForwarder: async (tenantId, id) =>
      (
        await call<{ removed: boolean }>(
          'DELETE',
          `/forwarders/${encodeURIComponent(tenantId)}/${encodeURIComponent(id)}`,
        )
      ).removed,
    addPlatform: (input) => call('POST', '/platforms', input),
    listPlatforms: () => call('GET', '/platforms'),
    removePlatform: (tenantId) => call('DELETE', `/platforms/${encodeURIComponent(tenantId)}`),
    rotatePlatformKey: (tenantId) => call('POST', `/platforms/${encodeURIComponent(tenantId)}/rotate-key`),
    forget: async (input, onProgress) => {
      onProgress?.('the server erases the learner (this can take as long as a reprojection)');
      return call('POST', '/privacy/forget', input);
    },
    exportLearner: (input) => call('POST', '/privacy/export', input),
    audit: (filter) => {
      const q = new URLSearchParams();
      if (filter.tenantId) q.set('tenant', filter.tenantId);
      if (filter.since) q.set('since', filter.since);
      return call('GET', `/audit${q.size > 0 ? `?${q}` : ''}`);
    },
    retentionStatus: () => call('GET', '/retention'),
    setRetention: (tenantId, months) => call('PUT', `/retention/${encodeURIComponent(tenantId)}`, { months }),
    clearRetention: async (tenantId) =>
      (await call<{ cleared: boolean }>('DELETE', `/retention/${encodeURIComponent(tenantId)}`)).cleared,
    runRetention: async (input, onProgress) => {
      if (!input.dryRun) onProgress?.('the server runs retention (each tenant purged is reprojected)');
      return call('POST', '/retention/run', input);
    },
    importStatements: (tenantId, statements, version) =>
      call('POST', '/import', { tenantId, statements, version }),
    importFramework: async (tenantId, framework) =>
      (await call<{ imported: number }>('POST', '/frameworks', { tenantId, framework })).imported,
    async reproject(tenantId, onProgress) {
      const { id } = await call<{ id: string }>('POST', '/reproject', { tenantId });
      for (;;) {
        await new Promise((r) => setTimeout(r, 500));
        const job = await call<{ progress: ReprojectProgress[]; done: boolean; error?: string }>(
          'GET',
          `/reproject/${id}`,
        );
        for (const p of job.progress) onProgress?.(p);
        if (job.error) throw new KairosError('reproject_failed', job.error);
        if (job.done) return job.progress;
      }
    },
  };
}
