// The teacher dashboard as one script (`/elements/kairos-dashboard.js`): every teacher widget, Lit inlined.
import '../define/stuck-points.js';
import '../define/competency-heatmap.js';
import '../define/class-progress.js';
import '../define/learner-timeline.js';
import '../define/item-analysis.js';
import '../define/dashboard.js';
