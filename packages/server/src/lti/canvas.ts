import type { Request, Response } from 'express';
import type { LtiDeps } from './deps.js';
import { TOOL_SCOPES } from './register.js';

/**
 * `GET /lti/canvas.json`: the Canvas developer key configuration ("Enter URL" or paste JSON). One launch
 * URL for every placement (Canvas matches redirect URIs exactly); variants travel in custom fields.
 */
export function canvasConfigHandler(deps: LtiDeps) {
  return function canvasConfig(_req: Request, res: Response): void {
    const base = deps.publicUrl;
    const launch = `${base}/lti/launch`;
    res.json({
      title: 'Kairos',
      description:
        'Learning analytics: who is stuck where, and which competencies each learner has acquired.',
      oidc_initiation_url: `${base}/lti/login`,
      target_link_uri: launch,
      public_jwk_url: `${base}/lti/keys`,
      scopes: TOOL_SCOPES,
      extensions: [
        {
          domain: new URL(base).host,
          tool_id: 'kairos',
          platform: 'canvas.instructure.com',
          privacy_level: deps.config.ltiNames ? 'name_only' : 'anonymous',
          settings: {
            text: 'Kairos',
            placements: [
              {
                placement: 'course_navigation',
                message_type: 'LtiResourceLinkRequest',
                text: 'Kairos dashboard',
                target_link_uri: launch,
                custom_fields: { activity: 'dashboard' },
                visibility: 'admins',
                // A tab of its own: first-party cookies, no iframe trouble.
                windowTarget: '_blank',
              },
              {
                placement: 'link_selection',
                message_type: 'LtiDeepLinkingRequest',
                text: 'Kairos activity',
                target_link_uri: launch,
              },
              {
                placement: 'assignment_selection',
                message_type: 'LtiDeepLinkingRequest',
                text: 'Kairos graded activity',
                target_link_uri: launch,
              },
            ],
          },
        },
      ],
      custom_fields: {},
    });
  };
}
