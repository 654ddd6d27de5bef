import type { InputsRepository, RefreshOptions } from '../../storage/types.js';
import { FLAG_RULES } from '../flags/learner-flags.js';
import { STUCK_DEFAULTS } from '../stuck-points/score.js';

/**
 * The rules a course refresh applies: the stuck-point and flag definitions, with the teacher's thresholds
 * and expected times (course settings over the declared structure).
 */
export async function refreshOptions(
  inputs: InputsRepository,
  tenantId: string,
  course: string,
): Promise<RefreshOptions> {
  const [settings, structure] = await Promise.all([
    inputs.courseSettings(tenantId, course),
    inputs.structure(tenantId, course),
  ]);
  const expectedMs: Record<string, number> = {};
  for (const a of structure) if (a.expectedSeconds) expectedMs[a.activity] = a.expectedSeconds * 1000;
  for (const [activity, s] of Object.entries(settings.expectedSeconds ?? {})) expectedMs[activity] = s * 1000;
  const th = settings.thresholds ?? {};
  return {
    repeatedAttempts: th.repeatedAttempts ?? STUCK_DEFAULTS.repeatedAttempts,
    timeFactor: th.timeFactor ?? STUCK_DEFAULTS.timeFactor,
    expectedMs,
    rapidShare: FLAG_RULES.rapidShare,
    rapidMinAnswers: FLAG_RULES.rapidMinAnswers,
  };
}
