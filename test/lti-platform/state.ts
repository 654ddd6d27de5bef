/** Data model of the in-repo LTI 1.3 test platform. */

/** A user of the test LMS. */
export interface PlatformUser {
  id: string;
  name: string;
  givenName: string;
  familyName: string;
  email: string;
  /** Full LIS role IRIs or short forms, as an LMS would send them. */
  roles: string[];
}

/** A course (LTI context) of the test LMS. */
export interface PlatformCourse {
  id: string;
  label: string;
  title: string;
  members: PlatformUser[];
}

/** A tool registered on the platform (by hand or through dynamic registration). */
export interface ToolRegistration {
  clientId: string;
  deploymentIds: string[];
  name: string;
  loginUrl: string;
  redirectUris: string[];
  targetLinkUri: string;
  jwksUrl: string;
  scopes: string[];
  /** Custom parameters registered for the tool (sent on every launch). */
  custom?: Record<string, string>;
  /** The raw registration the tool posted (dynamic registration). */
  raw?: Record<string, unknown>;
}

/** An AGS line item held by the platform. */
export interface LineItem {
  id: string;
  contextId: string;
  label: string;
  scoreMaximum: number;
  resourceLinkId?: string;
  resourceId?: string;
  tag?: string;
}

/** A score the tool posted. */
export interface ReceivedScore {
  lineItemId: string;
  body: Record<string, unknown>;
  userAgent?: string;
  receivedAt: string;
}

/** What the platform will put in the id_token of a pending launch. */
export interface LaunchSpec {
  user: PlatformUser;
  course?: PlatformCourse;
  clientId?: string;
  deploymentId?: string;
  messageType?: 'LtiResourceLinkRequest' | 'LtiDeepLinkingRequest';
  resourceLink?: { id: string; title?: string };
  /** Line item the resource link is bound to (its id is put in the AGS claim). */
  lineItemId?: string;
  custom?: Record<string, string>;
  targetLinkUri?: string;
  /** Offer the 1EdTech platform storage (postMessage) target in the login initiation. */
  storageTarget?: string;
  /** Mutates the claims before signing (tests of bad input). */
  tamper?: (claims: Record<string, unknown>) => void;
}

/** A deep linking response the platform accepted. */
export interface DeepLinkResult {
  clientId: string;
  contentItems: Record<string, unknown>[];
  data?: unknown;
  msg?: string;
  errormsg?: string;
  log?: string;
  errorlog?: string;
  /** `Sec-Fetch-Dest` of the return request (`iframe` when posted from the frame, as Moodle needs). */
  fetchDest?: string;
}
