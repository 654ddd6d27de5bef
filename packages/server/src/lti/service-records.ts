import type { KeyedRecordRepository } from '../storage/types.js';
import type { ResourceLaunch } from './resource-launch.js';

const LINKS = 'kairos:lti-link';
const CONTEXTS = 'kairos:lti-context';

/** What a launch tells about a resource link's grade book column (AGS), kept in the record store. */
export interface LinkServices {
  tenantId: string;
  issuer: string;
  contextId: string;
  resourceLinkId: string;
  linkIri: string;
  contextIri: string;
  lineItemUrl?: string;
  lineItemsUrl?: string;
  agsScopes: string[];
  scoreMaximum?: number;
}

/** What a launch tells about a context's services (NRPS, line items). */
export interface ContextServices {
  tenantId: string;
  issuer: string;
  contextId: string;
  contextIri: string;
  title?: string;
  nrpsUrl?: string;
  lineItemsUrl?: string;
}

/** Saves the AGS and NRPS endpoints of a launch, so background jobs can call the platform later. */
export async function saveServiceEndpoints(
  keyed: KeyedRecordRepository,
  l: ResourceLaunch,
  extra: { contextIri: string; linkIri: string; scoreMaximum?: number },
): Promise<void> {
  const now = new Date().toISOString();
  const link: LinkServices = {
    tenantId: l.tenantId,
    issuer: l.issuer,
    contextId: l.context.id,
    resourceLinkId: l.link.id,
    linkIri: extra.linkIri,
    contextIri: extra.contextIri,
    lineItemUrl: l.lineItemUrl,
    lineItemsUrl: l.lineItemsUrl,
    agsScopes: l.agsScopes,
    scoreMaximum: extra.scoreMaximum,
  };
  await keyed.replace(
    LINKS,
    { tenantId: l.tenantId, linkIri: extra.linkIri },
    {
      collection: LINKS,
      fields: { tenantId: l.tenantId, linkIri: extra.linkIri },
      data: link,
      createdAt: now,
    },
  );
  const context: ContextServices = {
    tenantId: l.tenantId,
    issuer: l.issuer,
    contextId: l.context.id,
    contextIri: extra.contextIri,
    title: l.context.title,
    nrpsUrl: l.nrpsUrl,
    lineItemsUrl: l.lineItemsUrl,
  };
  await keyed.replace(
    CONTEXTS,
    { tenantId: l.tenantId, contextId: l.context.id },
    {
      collection: CONTEXTS,
      fields: { tenantId: l.tenantId, contextId: l.context.id },
      data: context,
      createdAt: now,
    },
  );
}

/** The services of the resource link whose activity IRI is `linkIri`. */
export async function linkServices(
  keyed: KeyedRecordRepository,
  tenantId: string,
  linkIri: string,
): Promise<LinkServices | undefined> {
  return (await keyed.find(LINKS, { tenantId, linkIri }))[0]?.data as LinkServices | undefined;
}

/** The services of a context. */
export async function contextServices(
  keyed: KeyedRecordRepository,
  tenantId: string,
  contextId: string,
): Promise<ContextServices | undefined> {
  return (await keyed.find(CONTEXTS, { tenantId, contextId }))[0]?.data as ContextServices | undefined;
}
