// The learner widgets for a script tag (`/elements/kairos-learner.js`): Lit and the SDK inlined.
// The activity first, so a quiz inside one finds its tracker as it upgrades.
import '../define/activity.js';
import '../define/quiz.js';
import '../define/progress.js';
