import { createHash, createPrivateKey, generateKeyPair, type KeyObject, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { KairosError } from '../errors.js';
import type { KeyedRecordRepository } from '../storage/types.js';
import type { LtijsDatabase } from './ltijs.js';

const generate = promisify(generateKeyPair);
const TENANTS = 'kairos:lti-tenant';
/** A retired public key stays in the JWKS this long: longer than anything signed with it lives (60 s–5 min). */
export const RETIRED_KEY_TTL_S = 3600;
/** RSA modulus of tool keys: 2048 bits, generated off the event loop (ltijs makes 4096 synchronously). */
export const RSA_BITS = 2048;

/** A platform registration (issuer + client id), which is one Kairos tenant. */
export interface PlatformRegistration {
  tenantId: string;
  issuer: string;
  clientId: string;
  name: string;
  authEndpoint: string;
  tokenEndpoint: string;
  jwksUrl: string;
  /** `aud` of client assertions when it differs from the token endpoint (Canvas: no trailing slash). */
  authorizationServer?: string;
  deploymentIds: string[];
  /** Kid of the tool key that signs messages to this platform. */
  kid: string;
  registeredBy: 'dynamic' | 'manual';
  createdAt: string;
}

/** What an operator or dynamic registration gives to register a platform. */
export type PlatformInput = Omit<PlatformRegistration, 'tenantId' | 'kid' | 'createdAt' | 'registeredBy'> & {
  registeredBy?: PlatformRegistration['registeredBy'];
};

/** Tenant id of a registration: stable, so re-registering the same issuer + client finds its data again. */
export function tenantIdOf(issuer: string, clientId: string): string {
  return `lti-${createHash('sha256').update(`${issuer}\n${clientId}`).digest('base64url').slice(0, 16)}`;
}

/**
 * Platform registrations: our tenant record plus the rows ltijs reads (`platform`, `platformStatus`,
 * `publickey`, `privatekey`), written through the same plugin so ltijs' services (AGS, NRPS) and keyset
 * route see them. Key pairs are generated asynchronously; rotation keeps the old public key in the JWKS.
 */
/** The tenants of the registered platforms (read without the ltijs side a {@link PlatformRegistry} needs). */
export async function registeredTenantIds(keyed: KeyedRecordRepository): Promise<string[]> {
  return (await keyed.find(TENANTS, {})).map((r) => (r.data as PlatformRegistration).tenantId);
}

export class PlatformRegistry {
  constructor(
    private readonly keyed: KeyedRecordRepository,
    private readonly db: LtijsDatabase,
    private readonly encryptionKey: string,
    /** Called after a registration is added, changed or removed (caches of this process drop it). */
    private readonly onChange: () => void = () => {},
  ) {}

  /** Registers a platform (active at once) or, when its issuer + client id exist, adds the deployments. */
  async add(input: PlatformInput): Promise<PlatformRegistration> {
    const existing = await this.find(input.issuer, input.clientId);
    if (existing) {
      const deploymentIds = [...new Set([...existing.deploymentIds, ...input.deploymentIds])];
      const updated = {
        ...existing,
        ...input,
        deploymentIds,
        kid: existing.kid,
        tenantId: existing.tenantId,
      };
      await this.save(updated);
      await this.writeLtijsPlatform(updated);
      this.onChange();
      return updated;
    }
    const registration: PlatformRegistration = {
      ...input,
      registeredBy: input.registeredBy ?? 'manual',
      tenantId: tenantIdOf(input.issuer, input.clientId),
      kid: await this.newKeyPair(input.issuer, input.clientId),
      createdAt: new Date().toISOString(),
    };
    await this.writeLtijsPlatform(registration);
    await this.save(registration);
    this.onChange();
    return registration;
  }

  /** The registration of an issuer + client id; with no client id, the issuer's only registration. */
  async find(issuer: string, clientId?: string): Promise<PlatformRegistration | undefined> {
    const rows = await this.keyed.find(TENANTS, clientId ? { issuer, clientId } : { issuer });
    if (!clientId && rows.length > 1) return undefined;
    return rows[0]?.data as PlatformRegistration | undefined;
  }

  async get(tenantId: string): Promise<PlatformRegistration | undefined> {
    return (await this.keyed.find(TENANTS, { tenantId }))[0]?.data as PlatformRegistration | undefined;
  }

  async list(): Promise<PlatformRegistration[]> {
    return (await this.keyed.find(TENANTS, {})).map((r) => r.data as PlatformRegistration);
  }

  /** Removes a registration and its keys; launches from it fail from then on. */
  async remove(tenantId: string): Promise<PlatformRegistration> {
    const found = await this.get(tenantId);
    if (!found)
      throw new KairosError('platform_not_found', `no platform registration ${tenantId}`, { status: 404 });
    await this.db.Delete('platform', { platformUrl: found.issuer, clientId: found.clientId });
    await this.db.Delete('platformStatus', { id: found.kid });
    await this.db.Delete('publickey', { platformUrl: found.issuer, clientId: found.clientId });
    await this.db.Delete('privatekey', { platformUrl: found.issuer, clientId: found.clientId });
    await this.keyed.delete(TENANTS, { tenantId });
    this.onChange();
    return found;
  }

  /**
   * Signs with a new key from now on; the old public key stays in the JWKS for {@link RETIRED_KEY_TTL_S}
   * so platforms can still verify what it signed.
   */
  async rotateKey(tenantId: string): Promise<PlatformRegistration> {
    const found = await this.get(tenantId);
    if (!found)
      throw new KairosError('platform_not_found', `no platform registration ${tenantId}`, { status: 404 });
    const oldKid = found.kid;
    const kid = await this.newKeyPair(found.issuer, found.clientId);
    const updated = { ...found, kid };
    await this.writeLtijsPlatform(updated);
    await this.db.Delete('platformStatus', { id: oldKid });
    await this.save(updated);
    const expiresAt = new Date(Date.now() + RETIRED_KEY_TTL_S * 1000).toISOString();
    await this.keyed.update('ltijs:publickey', { kid: oldKid }, { expiresAt });
    await this.db.Delete('privatekey', { kid: oldKid });
    return updated;
  }

  /** The private key (and kid) that signs messages to a tenant's platform. */
  async signingKey(registration: PlatformRegistration): Promise<{ kid: string; key: KeyObject }> {
    const rows = await this.db.Get(this.encryptionKey, 'privatekey', { kid: registration.kid });
    if (!rows) throw new KairosError('key_missing', `the signing key of ${registration.tenantId} is missing`);
    return { kid: registration.kid, key: createPrivateKey(String(rows[0]!.key)) };
  }

  private async save(registration: PlatformRegistration): Promise<void> {
    const { tenantId, issuer, clientId } = registration;
    await this.keyed.replace(
      TENANTS,
      { tenantId },
      {
        collection: TENANTS,
        fields: { tenantId, issuer, clientId },
        data: registration,
        createdAt: registration.createdAt,
      },
    );
  }

  private async writeLtijsPlatform(r: PlatformRegistration): Promise<void> {
    await this.db.Replace(
      false,
      'platform',
      { platformUrl: r.issuer, clientId: r.clientId },
      {
        platformName: r.name,
        platformUrl: r.issuer,
        clientId: r.clientId,
        authEndpoint: r.authEndpoint,
        accesstokenEndpoint: r.tokenEndpoint,
        authorizationServer: r.authorizationServer,
        kid: r.kid,
        authConfig: { method: 'JWK_SET', key: r.jwksUrl },
      },
    );
    // Dynamic or manual, a registration is usable at once (LMS administrators expect "paste the URL, done");
    // operators restrict who may register with KAIROS_REGISTRATION instead.
    await this.db.Replace(false, 'platformStatus', { id: r.kid }, { id: r.kid, active: true });
  }

  private async newKeyPair(platformUrl: string, clientId: string): Promise<string> {
    const { publicKey, privateKey } = await generate('rsa', {
      modulusLength: RSA_BITS,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    });
    const kid = randomBytes(16).toString('hex');
    const index = { kid, platformUrl, clientId };
    // Insert (not Replace on platformUrl + clientId, as ltijs does): a rotated-out key must stay published.
    await this.db.Insert(this.encryptionKey, 'publickey', { key: publicKey, kid }, index);
    await this.db.Insert(this.encryptionKey, 'privatekey', { key: privateKey, kid }, index);
    return kid;
  }
}
