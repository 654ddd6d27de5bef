/** Something an instructor can place in a course through deep linking. */
export interface CatalogItem {
  id: string;
  title: string;
  description: string;
  kind: 'activity' | 'quiz' | 'dashboard';
  /** Graded items get an AGS line item with this maximum, and scores posted back. */
  scoreMaximum?: number;
}

/**
 * The built-in catalog of placeable items. Activities and quizzes are tracked with the SDK on the launch
 * page; the dashboard item opens the instructor view for learners too (they see their own launch page).
 */
export const CATALOG: readonly CatalogItem[] = [
  {
    id: 'dashboard',
    title: 'Kairos dashboard',
    description: 'Who is stuck where, and which competencies each learner has acquired.',
    kind: 'dashboard',
  },
  {
    id: 'fractions-intro',
    title: 'Fractions — introduction',
    description: 'A tracked activity: time spent, navigation and completion are recorded.',
    kind: 'activity',
  },
  {
    id: 'fractions-quiz',
    title: 'Fractions — quiz',
    description: 'A graded quiz; the score goes to the grade book.',
    kind: 'quiz',
    scoreMaximum: 10,
  },
];

/** A catalog item by id (the `activity` custom parameter of a link). */
export function activityById(id: string | undefined): CatalogItem | undefined {
  return id === undefined ? undefined : CATALOG.find((i) => i.id === id);
}
