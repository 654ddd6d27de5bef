import { randomUUID } from 'node:crypto';
import { ActivityTypes, agentKey } from '@kairos/xapi';
import { mintToken } from '../auth/tokens.js';
import { courseIri, ltiActor, resourceLinkIri } from '../iris.js';
import { activityById } from './catalog.js';
import type { LtiDeps } from './deps.js';
import type { MessageHandler } from './launch.js';
import { LtiError } from './lti-error.js';
import { esc, formPost, page, scriptJson } from './pages.js';
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
  person: { name?: string; givenName?: string; familyName?: string; email?: string };
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
    | { lineitem?: string; lineitems?: string; scope?: string[] }
    | undefined;
  const nrps = claims['https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice'] as
    | { context_memberships_url?: string }
    | undefined;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    tenantId,
    issuer: String(claims.iss),
    sub: String(claims.sub),
    role: kairosRole(claims[`${LTI}roles`] as string[]),
    context: { id: context.id, label: str(context.label), title: str(context.title) },
    link: claims[`${LTI}resource_link`] as ResourceLaunch['link'],
    custom: (claims[`${LTI}custom`] as Record<string, string> | undefined) ?? {},
    locale: str((claims[`${LTI}launch_presentation`] as { locale?: unknown } | undefined)?.locale),
    lineItemUrl: ags?.lineitem,
    lineItemsUrl: ags?.lineitems,
    agsScopes: ags?.scope ?? [],
    nrpsUrl: nrps?.context_memberships_url,
    person: {
      name: str(claims.name),
      givenName: str(claims.given_name),
      familyName: str(claims.family_name),
      email: str(claims.email),
    },
  };
}

/** Creates or updates the context, resource link, person and enrollment rows of a launch. */
export async function recordLaunch(deps: LtiDeps, l: ResourceLaunch): Promise<void> {
  const { tenantId } = l;
  const contextIri = courseIri(deps.publicUrl, tenantId, l.context.id);
  const activity = activityById(l.custom.activity);
  await saveServiceEndpoints(deps.keyed, l, {
    contextIri,
    linkIri: resourceLinkIri(deps.publicUrl, tenantId, l.link.id),
    scoreMaximum: activity?.scoreMaximum,
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
    title: l.link.title ?? activity?.title,
    activityId: activity?.id,
    lineItemUrl: l.lineItemUrl,
    scoreMaximum: activity?.scoreMaximum,
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
    await recordLaunch(deps, l);
    const contextIri = courseIri(deps.publicUrl, l.tenantId, l.context.id);
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
        .send(formPost('Opening the Kairos dashboard…', `${deps.publicUrl}/dashboard`, { token }));
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
    const activity = activityById(l.custom.activity);
    const language = (l.locale ?? 'en').slice(0, 2);
    const bootstrap = {
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
        parent: { objectType: 'Activity', id: resourceLinkIri(deps.publicUrl, l.tenantId, l.link.id) },
      },
      language,
    };
    res
      .type('html')
      .send(learnerPage(bootstrap, l.link.title ?? activity?.title ?? 'Activity', activity?.description));
  };
}

function learnerPage(bootstrap: Record<string, unknown>, title: string, description?: string): string {
  // /sdk/kairos.js is served by the SDK work; until then the page still renders and the bootstrap is there.
  return page(
    title,
    `<main><h1>${esc(title)}</h1>${description ? `<p>${esc(description)}</p>` : ''}
<p class="muted">Your work in this activity is recorded for your course.</p>
<div id="kairos-activity"></div></main>
<script type="application/json" id="kairos-launch">${scriptJson(bootstrap)}</script>
<script src="/sdk/kairos.js" defer></script>
<script>addEventListener('DOMContentLoaded',function(){if(window.Kairos&&Kairos.fromLaunch){window.kairos=Kairos.fromLaunch()}})</script>`,
    String(bootstrap.language),
  );
}
