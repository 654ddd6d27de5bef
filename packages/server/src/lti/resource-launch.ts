import { randomUUID } from 'node:crypto';
import { ActivityTypes, agentKey } from '@kairos/xapi';
import { mintToken } from '../auth/tokens.js';
import { courseIri, ltiActor, resourceLinkIri } from '../iris.js';
import type { LtiDeps } from './deps.js';
import { externalPage, handoffUrl } from './external-page.js';
import type { MessageHandler } from './launch.js';
import { type LaunchBootstrap, learnerPage } from './learner-page.js';
import { LtiError } from './lti-error.js';
import { formPost } from './pages.js';
import { type Placement, placementOf } from './placements.js';
import { kairosRole } from './roles.js';
import { saveServiceEndpoints } from './service-records.js';
import type { LaunchClaims } from './verify.js';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
/** Lifetime of the Bearer tokens minted at launch (the page keeps them in memory only). */
export const LAUNCH_TOKEN_TTL_S = 2 * 3600;

/** The parts of a resource-link launch Kairos uses. */
export interface ResourceLaunch {
  tenantId: string;
  issuer: string;
  sub: string;
  role: ReturnType<typeof kairosRole>;
  context: { id: string; label?: string; title?: string };
  link: { id: string; title?: string };
  custom: Record<string, string>;
  locale?: string;
  lineItemUrl?: string;
  lineItemsUrl?: string;
  agsScopes: string[];
  nrpsUrl?: string;
  /** Names only: an `email` claim is dropped here, never stored (docs/operations/privacy.md). */
  person: { name?: string; givenName?: string; familyName?: string };
}

/** Reads a verified resource-link launch. */
export function readLaunch(claims: LaunchClaims, tenantId: string): ResourceLaunch {
  const context = claims[`${LTI}context`] as ResourceLaunch['context'] | undefined;
  if (typeof context?.id !== 'string') {
    throw new LtiError(
      400,
      'missing_claim',
      'Kairos needs a course (context claim) to launch in.',
      'context',
    );
  }
  const ags = claims['https://purl.imsglobal.org/spec/lti-ags/claim/endpoint'] as
    | { lineitem?: unknown; lineitems?: unknown; scope?: unknown }
    | undefined;
  const nrps = claims['https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice'] as
    | { context_memberships_url?: unknown }
    | undefined;
  // Claims are read by type, never cast: a title that is a number must not reach the page as one.
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const link = claims[`${LTI}resource_link`] as { id: string; title?: unknown };
  const custom = claims[`${LTI}custom`];
  const strings = (v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'))
      : {};
  return {
    tenantId,
    issuer: String(claims.iss),
    sub: String(claims.sub),
    role: kairosRole(claims[`${LTI}roles`] as string[]),
    context: { id: context.id, label: str(context.label), title: str(context.title) },
    link: { id: link.id, title: str(link.title) },
    custom: strings(custom),
    locale: str((claims[`${LTI}launch_presentation`] as { locale?: unknown } | undefined)?.locale),
    lineItemUrl: str(ags?.lineitem),
    lineItemsUrl: str(ags?.lineitems),
    agsScopes: Array.isArray(ags?.scope) ? ags.scope.filter((x): x is string => typeof x === 'string') : [],
    nrpsUrl: str(nrps?.context_memberships_url),
    person: {
      name: str(claims.name),
      givenName: str(claims.given_name),
      familyName: str(claims.family_name),
    },
  };
}

/** Creates or updates the context, resource link, person and enrollment rows of a launch. */
export async function recordLaunch(deps: LtiDeps, l: ResourceLaunch, placed: Placement): Promise<void> {
  const { tenantId } = l;
  const contextIri = courseIri(deps.publicUrl, tenantId, l.context.id);
  await saveServiceEndpoints(deps.keyed, l, {
    contextIri,
    linkIri: resourceLinkIri(deps.publicUrl, tenantId, l.link.id),
    scoreMaximum: placed.scoreMaximum,
  });
  const roster = deps.stores.analytics.roster;
  const at = new Date().toISOString();
  const names = deps.config.ltiNames ? l.person : {};
  await roster.upsertContext({
    tenantId,
    contextId: l.context.id,
    iri: contextIri,
    label: l.context.label,
    title: l.context.title,
  });
  await roster.upsertResourceLink({
    tenantId,
    resourceLinkId: l.link.id,
    contextId: l.context.id,
    iri: resourceLinkIri(deps.publicUrl, tenantId, l.link.id),
    title: placed.title,
    activityId: placed.activityId,
    lineItemUrl: l.lineItemUrl,
    scoreMaximum: placed.scoreMaximum,
  });
  await roster.upsertPerson({
    tenantId,
    userId: l.sub,
    actorKey: agentKey(ltiActor(l.issuer, l.sub)),
    ...names,
  });
  await roster.upsertEnrollment({
    tenantId,
    contextId: l.context.id,
    userId: l.sub,
    role: l.role,
    source: 'launch',
  });
  await roster.recordLaunch({
    tenantId,
    contextId: l.context.id,
    resourceLinkId: l.link.id,
    userId: l.sub,
    at,
  });
}

/**
 * Resource-link launches: a learner lands on the activity page with the SDK bootstrap (actor, context,
 * registration, Bearer for /xapi); an instructor is handed to /dashboard with a Bearer for /api/v1.
 */
export function resourceLinkHandler(
  deps: LtiDeps,
  onInstructor?: (l: ResourceLaunch) => void,
): MessageHandler {
  return async function resourceLinkLaunch(claims, login, _req, res) {
    const l = readLaunch(claims, login.tenantId);
    if (l.role === 'other') {
      throw new LtiError(
        403,
        'role_not_supported',
        'Kairos has a view for learners and instructors only; your role in this course is neither.',
        `roles ${(claims[`${LTI}roles`] as string[]).join(',')}`,
      );
    }
    // checked before anything is written: a refused page is a refused launch
    const page = externalPage(l.custom, deps.config.ltiPages);
    const placed = await placementOf(deps, l.tenantId, l.link, l.custom);
    await recordLaunch(deps, l, placed);
    const contextIri = courseIri(deps.publicUrl, l.tenantId, l.context.id);
    const language = (l.locale ?? 'en').slice(0, 2);
    if (l.role === 'instructor') {
      const token = await mintToken(
        deps.secret,
        {
          tenantId: l.tenantId,
          // the teacher reads the course and sets its settings and manual levels; the actor names the assessor
          scopes: ['statements/read', 'analytics/read', 'analytics/write'],
          contextId: l.context.id,
          actor: ltiActor(l.issuer, l.sub),
          role: 'instructor',
        },
        LAUNCH_TOKEN_TTL_S,
      );
      onInstructor?.(l);
      res
        .type('html')
        .send(
          formPost('Opening the Kairos dashboard…', `${deps.publicUrl}/dashboard`, { token, lang: language }),
        );
      return;
    }
    const actor = ltiActor(l.issuer, l.sub);
    const token = await mintToken(
      deps.secret,
      {
        tenantId: l.tenantId,
        scopes: ['statements/write', 'statements/read/mine'],
        contextId: l.context.id,
        actor,
        role: 'learner',
      },
      LAUNCH_TOKEN_TTL_S,
    );
    const bootstrap: LaunchBootstrap = {
      endpoint: `${deps.publicUrl}/xapi`,
      token,
      actor,
      context: {
        registration: randomUUID(),
        // xAPI Activities, usable as is in contextActivities (the SDK takes them unchanged, too).
        course: {
          objectType: 'Activity',
          id: contextIri,
          definition: {
            type: ActivityTypes.course,
            ...(l.context.title ? { name: { [language]: l.context.title } } : {}),
          },
        },
        // named, so the analytics show the placement's title rather than the tail of its IRI
        parent: {
          objectType: 'Activity',
          id: resourceLinkIri(deps.publicUrl, l.tenantId, l.link.id),
          definition: { name: { [language]: placed.title } },
        },
      },
      language,
    };
    // a developer's page (custom.page) gets the same bootstrap in its URL fragment
    if (page) return void res.redirect(303, handoffUrl(page, bootstrap));
    res.type('html').send(learnerPage(bootstrap, placed, `${deps.publicUrl}/elements`));
  };
}
