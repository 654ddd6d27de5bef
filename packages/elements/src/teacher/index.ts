// The teacher widgets (classes only; registering them is the define modules' job).
export { TeacherElement } from './base.js';
export { type ClassProgressData, KairosClassProgress } from './class-progress.js';
export { KairosCompetencyHeatmap } from './competency-heatmap.js';
export { type DashboardGroup, KairosDashboard } from './dashboard.js';
export {
  KairosLevelSetEvent,
  KairosLoadEvent,
  KairosSelectActivityEvent,
  KairosSelectLearnerEvent,
} from './events.js';
export { KairosItemAnalysis } from './item-analysis.js';
export { KairosLearnerTimeline } from './learner-timeline.js';
export { LiveFeed, type LiveState } from './live.js';
export { KairosStuckPoints } from './stuck-points.js';
