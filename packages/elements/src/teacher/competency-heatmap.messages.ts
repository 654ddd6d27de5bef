import { common } from './messages.js';

export const en = {
  ...common.en,
  title: 'Competencies',
  caption: 'Learners × competencies: the model’s level in each cell, the teacher’s beside it (✎)',
  legend: 'Levels',
  cell: (level: string, p: string, evidence: number) =>
    `${level}, P ${p}, ${evidence} evidence${evidence === 1 ? '' : 's'}`,
  teacher: 'teacher',
  teacherLevel: 'Teacher’s level',
  model: 'Model',
  modelLine: (level: string, p: string, evidence: number) =>
    `${level} — P(mastered) ${p} from ${evidence} evidence${evidence === 1 ? '' : 's'}`,
  by: (who: string, when: string) => `set by ${who}, ${when}`,
  setLevel: 'Set the teacher’s level',
  menuLabel: (who: string, what: string) => `Teacher’s level of ${who} for ${what}`,
  openLearner: 'Open the learner’s timeline',
  cancel: 'Cancel',
  saving: 'Saving…',
  saved: (level: string, who: string, what: string) => `Saved: ${level} for ${who} (${what}).`,
  notSaved: 'The level was not saved',
  needsWrite: 'setting a level needs a token with analytics/write',
  keys: 'Arrow keys move between cells; Enter opens the level menu.',
};

export const fr: typeof en = {
  ...common.fr,
  title: 'Compétences',
  caption: 'Élèves × compétences : le niveau du modèle dans chaque case, celui de l’enseignant à côté (✎)',
  legend: 'Niveaux',
  cell: (level, p, evidence) => `${level}, P ${p}, ${evidence} preuve${evidence > 1 ? 's' : ''}`,
  teacher: 'enseignant',
  teacherLevel: 'Niveau de l’enseignant',
  model: 'Modèle',
  modelLine: (level, p, evidence) =>
    `${level} — P(maîtrise) ${p} sur ${evidence} preuve${evidence > 1 ? 's' : ''}`,
  by: (who, when) => `fixé par ${who}, ${when}`,
  setLevel: 'Fixer le niveau de l’enseignant',
  menuLabel: (who, what) => `Niveau de ${who} en ${what} selon l’enseignant`,
  openLearner: 'Ouvrir le parcours de l’élève',
  cancel: 'Annuler',
  saving: 'Enregistrement…',
  saved: (level, who, what) => `Enregistré : ${level} pour ${who} (${what}).`,
  notSaved: 'Le niveau n’a pas été enregistré',
  needsWrite: 'fixer un niveau demande un jeton avec analytics/write',
  keys: 'Les flèches passent d’une case à l’autre ; Entrée ouvre le menu des niveaux.',
};
