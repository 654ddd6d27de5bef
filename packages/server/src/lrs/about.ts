import { SUPPORTED_VERSIONS } from '@kairos/xapi';
import type { Request, Response } from 'express';

/** GET /xapi/about: unauthenticated; the xAPI versions this LRS speaks. */
export function about(_req: Request, res: Response): void {
  res.json({
    version: [...SUPPORTED_VERSIONS],
    extensions: {
      'https://kairos.dev/xapi/extensions/lrs': {
        name: 'Kairos',
        profile: 'https://kairos.dev/xapi/profile/v1',
      },
    },
  });
}
