/** Messages keyed by a name (a level, a flag): a function, as `Messages` holds strings and functions only. */
export const lookup =
  (table: Record<string, string>) =>
  (key: string): string =>
    table[key] ?? key;

/** What every teacher widget says: states, levels, flags, the reasons behind stuck points. */
export const common = {
  en: {
    loading: 'Loading…',
    idle: 'Nothing to load: set the course (and the learner or activity, for those widgets).',
    error: 'Could not load the figures',
    retry: 'Try again',
    empty: 'Nothing to show yet.',
    levels: lookup({
      none: 'Not assessed',
      non_acquis: 'Not acquired',
      en_cours: 'In progress',
      acquis: 'Acquired',
      expert: 'Expert',
    }),
    short: lookup({ none: '–', non_acquis: 'NA', en_cours: 'IP', acquis: 'AC', expert: 'EX' }),
    flags: lookup({
      struggling: 'Struggling',
      stuck: 'Stuck',
      wheelSpinning: 'Wheel-spinning',
      abandoned: 'Abandoned',
      rapidGuessing: 'Rapid guessing',
    }),
    why: lookup({
      repeated: 'repeated failures',
      dropped: 'stopped here',
      slow: 'slow, no success',
    }),
    learner: 'Learner',
    learners: (n: number) => `${n} learner${n === 1 ? '' : 's'}`,
    activity: 'Activity',
  },
  fr: {
    loading: 'Chargement…',
    idle: 'Rien à charger : indiquez le cours (et l’élève ou l’activité, pour ces widgets).',
    error: 'Impossible de charger les chiffres',
    retry: 'Réessayer',
    empty: 'Rien à afficher pour l’instant.',
    levels: lookup({
      none: 'Non évalué',
      non_acquis: 'Non acquis',
      en_cours: 'En cours',
      acquis: 'Acquis',
      expert: 'Expert',
    }),
    short: lookup({ none: '–', non_acquis: 'NA', en_cours: 'EC', acquis: 'A', expert: 'E' }),
    flags: lookup({
      struggling: 'En difficulté',
      stuck: 'Bloqué',
      wheelSpinning: 'Tourne en rond',
      abandoned: 'Décroché',
      rapidGuessing: 'Réponses au hasard',
    }),
    why: lookup({
      repeated: 'échecs répétés',
      dropped: 'arrêté ici',
      slow: 'lent, sans réussite',
    }),
    learner: 'Élève',
    learners: (n: number) => `${n} élève${n > 1 ? 's' : ''}`,
    activity: 'Activité',
  },
};

/** The levels in order, with "not assessed" first. */
export const LEVELS = ['none', 'non_acquis', 'en_cours', 'acquis', 'expert'] as const;

/** A learner's name, else the end of its agent key (`account:…|learner-0001` → `learner-0001`). */
export const nameOf = (l: { learner: string; name?: string }): string =>
  l.name ?? l.learner.slice(Math.max(l.learner.lastIndexOf('|'), l.learner.lastIndexOf(':')) + 1);

/** An activity's title, else the end of its IRI. */
export const titleOf = (a: { activity: string; title?: string }): string =>
  a.title ?? decodeURIComponent(a.activity.replace(/\/+$/, '').split('/').pop() ?? a.activity);
