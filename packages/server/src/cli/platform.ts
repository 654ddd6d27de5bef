import type { KairosConfig } from '../config/index.js';
import type { PlatformInput, PlatformRegistration } from '../lti/registry.js';
import { withAdmin } from './admin.js';
import { type CliIo, parseFlags, usageError } from './output.js';

/** Usage of `kairos platform`. */
export const PLATFORM_USAGE = `kairos platform add --moodle URL --client-id ID --deployment ID [--deployment ID…]
kairos platform add --canvas [--canvas-domain HOST] --client-id ID --deployment ID
kairos platform add --issuer URL --client-id ID --auth-url URL --token-url URL --jwks-url URL --deployment ID
                    [--name NAME] [--auth-server AUD] [--json]
kairos platform list [--json]
kairos platform remove TENANT
kairos platform rotate-key TENANT
  (dynamic registration needs none of this: give the LMS ${'<KAIROS_PUBLIC_URL>'}/lti/register)`;

/** Endpoints of well-known LMSs from their base URL (docs/lti/moodle.md, docs/lti/canvas.md). */
export function presetEndpoints(
  values: Record<string, string | boolean | string[] | undefined>,
): Partial<PlatformInput> {
  if (typeof values.moodle === 'string') {
    const base = values.moodle.replace(/\/+$/, '');
    return {
      issuer: base,
      name: `Moodle ${new URL(base).host}`,
      authEndpoint: `${base}/mod/lti/auth.php`,
      tokenEndpoint: `${base}/mod/lti/token.php`,
      jwksUrl: `${base}/mod/lti/certs.php`,
    };
  }
  if (values.canvas) {
    const domain =
      typeof values['canvas-domain'] === 'string' ? values['canvas-domain'] : 'canvas.instructure.com';
    return {
      issuer: 'https://canvas.instructure.com',
      name: `Canvas ${domain}`,
      authEndpoint: 'https://sso.canvaslms.com/api/lti/authorize_redirect',
      tokenEndpoint: `https://${domain}/login/oauth2/token`,
      // Canvas wants the client assertion's aud without a trailing slash (canvas-lms #1925).
      authorizationServer: `https://${domain}/login/oauth2/token`,
      jwksUrl: 'https://sso.canvaslms.com/api/lti/security/jwks',
    };
  }
  return {};
}

function describe(p: PlatformRegistration): string {
  return `${p.tenantId}  ${p.name}  iss=${p.issuer}  client=${p.clientId}  deployments=[${p.deploymentIds.join(' ')}]  (${p.registeredBy})`;
}

/** `kairos platform add|list|remove|rotate-key`: LTI 1.3 platform registrations (one tenant each). */
export async function platform(config: KairosConfig, args: string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseFlags({
    args: rest,
    allowPositionals: true,
    options: {
      moodle: { type: 'string' },
      canvas: { type: 'boolean' },
      'canvas-domain': { type: 'string' },
      issuer: { type: 'string' },
      'client-id': { type: 'string' },
      'auth-url': { type: 'string' },
      'token-url': { type: 'string' },
      'jwks-url': { type: 'string' },
      'auth-server': { type: 'string' },
      deployment: { type: 'string', multiple: true },
      name: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  switch (action) {
    case 'add': {
      const preset = presetEndpoints(values);
      const input = {
        ...preset,
        ...(values.issuer ? { issuer: values.issuer } : {}),
        ...(values['auth-url'] ? { authEndpoint: values['auth-url'] } : {}),
        ...(values['token-url'] ? { tokenEndpoint: values['token-url'] } : {}),
        ...(values['jwks-url'] ? { jwksUrl: values['jwks-url'] } : {}),
        ...(values['auth-server'] ? { authorizationServer: values['auth-server'] } : {}),
        clientId: values['client-id'],
        deploymentIds: values.deployment ?? [],
        name: values.name ?? preset.name ?? (values.issuer ? new URL(values.issuer).host : undefined),
        registeredBy: 'manual' as const,
      };
      const missing = (
        [
          ['issuer', '--issuer (or --moodle/--canvas)'],
          ['clientId', '--client-id'],
          ['authEndpoint', '--auth-url'],
          ['tokenEndpoint', '--token-url'],
          ['jwksUrl', '--jwks-url'],
        ] as const
      ).filter(([k]) => !input[k]);
      if (missing.length > 0) throw usageError(`platform add needs ${missing.map(([, f]) => f).join(', ')}`);
      if (input.deploymentIds.length === 0)
        throw usageError('platform add needs at least one --deployment ID');
      const added = await withAdmin(config, (ops) => ops.addPlatform(input as PlatformInput), {
        secret: true,
      });
      if (values.json) io.out(JSON.stringify(added));
      else {
        io.out(`platform registered: tenant ${added.tenantId}`);
        io.out(`  ${describe(added)}`);
        io.out('Give the LMS these tool URLs:');
        io.out(`  login (OIDC initiation)  ${config.publicUrl}/lti/login`);
        io.out(`  redirect / launch URL    ${config.publicUrl}/lti/launch`);
        io.out(`  public keys (JWKS)       ${config.publicUrl}/lti/keys`);
        io.out(`  Canvas developer key     ${config.publicUrl}/lti/canvas.json`);
      }
      return 0;
    }
    case 'list': {
      const list = await withAdmin(config, (ops) => ops.listPlatforms(), { secret: true });
      if (values.json) io.out(JSON.stringify(list));
      else if (list.length === 0)
        io.out('no LTI platform registered (dynamic registration: <public URL>/lti/register)');
      else for (const p of list) io.out(describe(p));
      return 0;
    }
    case 'remove': {
      const [tenant] = positionals;
      if (!tenant) throw usageError('platform remove needs the TENANT (see kairos platform list)');
      const removed = await withAdmin(config, (ops) => ops.removePlatform(tenant), { secret: true });
      io.out(`removed ${describe(removed)}`);
      return 0;
    }
    case 'rotate-key': {
      const [tenant] = positionals;
      if (!tenant) throw usageError('platform rotate-key needs the TENANT');
      const rotated = await withAdmin(config, (ops) => ops.rotatePlatformKey(tenant), { secret: true });
      io.out(
        `new signing key ${rotated.kid} for ${rotated.tenantId}; the old key stays published for an hour`,
      );
      return 0;
    }
    default:
      throw usageError(`platform takes add, list, remove or rotate-key\n${PLATFORM_USAGE}`);
  }
}
