import type { Agent } from '@kairos/xapi';

/** Who is calling, as established by the credential. */
export interface Principal {
  /** Tenant every read and write is confined to. */
  tenantId: string;
  scopes: string[];
  /** `basic`: an API key; `bearer`: a short-lived token minted at LTI launch or by `POST /api/v1/tokens`. */
  kind: 'basic' | 'bearer';
  /** Stable id of the credential (API key id, or token subject), for rate limits and logs. */
  credentialId: string;
  /** Set on the statements this principal writes (the LRS overwrites `authority`). */
  authority: Agent;
  /**
   * When set, the principal is confined to statements whose actor is this agent key: it may only write
   * about itself and read its own (learner tokens, `statements/read/mine`).
   */
  actorKey?: string;
  /** LTI context (course) a token is scoped to, as the token names it. */
  contextId?: string;
  /**
   * Course IRI of `contextId`: when set, the principal reads only statements whose related activities
   * (object, context activities) include it, and cannot use documents, `/agents` or `/activities`.
   */
  contextIri?: string;
  /** The API key a token was minted by (absent for keys themselves and for LTI launch tokens). */
  keyId?: string;
  role?: 'learner' | 'instructor';
}
