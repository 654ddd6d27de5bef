import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The policy of scripts/audit.mjs (docs/security.md, "Dependencies"), judged on saved `npm audit --json`
// reports: the machine's registry may not answer advisory requests, so the policy is tested offline.
const script = fileURLToPath(new URL('../../scripts/audit.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kairos-audit-'));
const lockfile = join(dir, 'package-lock.json');
writeFileSync(
  lockfile,
  JSON.stringify({
    lockfileVersion: 3,
    packages: { '': {}, 'node_modules/runtime-lib': {}, 'node_modules/dev-tool': { dev: true } },
  }),
);

const vulnerability = (name: string, severity: string) => ({
  name,
  severity,
  isDirect: false,
  via: [{ source: 1, name, title: `${name} advisory`, url: `https://advisories.example/${name}`, severity }],
  effects: [],
  range: '<2.0.0',
  nodes: [`node_modules/${name}`],
  fixAvailable: true,
});

function audit(report: unknown, ...flags: string[]) {
  const file = join(dir, `report-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(report));
  const run = spawnSync(process.execPath, [script, '--report', file, '--lockfile', lockfile, ...flags], {
    encoding: 'utf8',
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}
const reportOf = (...vulns: ReturnType<typeof vulnerability>[]) => ({
  auditReportVersion: 2,
  vulnerabilities: Object.fromEntries(vulns.map((v) => [v.name, v])),
  metadata: { vulnerabilities: {}, dependencies: {} },
});

describe('scripts/audit.mjs policy', () => {
  it('fails on a high or critical advisory in a runtime dependency', () => {
    for (const severity of ['high', 'critical']) {
      const r = audit(reportOf(vulnerability('runtime-lib', severity)));
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`FAIL ${severity}`);
      expect(r.stdout).toMatch(/1 high\/critical in runtime dependencies — failing/);
    }
  });

  it('reports moderate and low runtime advisories and dev-only ones of any severity, and passes', () => {
    const r = audit(
      reportOf(vulnerability('runtime-lib', 'moderate'), vulnerability('dev-tool', 'critical')),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/note critical\s+dev\s+dev-tool/);
    expect(r.stdout).toMatch(/note moderate\s+runtime runtime-lib/);
    expect(r.stdout).toContain('audit: 2 vulnerable packages (runtime: 1, dev-only: 1); 0 high/critical');
  });

  it('passes a clean report', () => {
    const r = audit(reportOf());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('audit: 0 vulnerable packages');
  });

  it('says loudly that it did not run when the advisory service refuses, and fails only with --strict', () => {
    // what npm prints here: its bulk advisory request answered 405
    const refused = {
      message: '405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk',
      method: 'POST',
      statusCode: 405,
      body: '',
      error: { summary: '', detail: '' },
    };
    const r = audit(refused);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'npm audit: NOT RUN — the advisory service could not be reached: 405 Method Not Allowed',
    );
    expect(r.stderr).toContain('2 installed packages (1 runtime, 1 dev-only) were NOT checked');
    expect(audit(refused, '--strict').code).toBe(2);
    expect(audit('not a report').stderr).toContain('NOT RUN');
  });
});
