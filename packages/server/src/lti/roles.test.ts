import { describe, expect, it } from 'vitest';
import { kairosRole } from './roles.js';

const M = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
describe('kairosRole', () => {
  it.each([
    [[`${M}Learner`], 'learner'],
    [['Learner'], 'learner'],
    [['Student'], 'learner'],
    [['urn:lti:role:ims/lis/Learner'], 'learner'],
    [[`${M}Instructor`], 'instructor'],
    [['Instructor'], 'instructor'],
    [['http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant'], 'instructor'],
    [[`${M}ContentDeveloper`], 'instructor'],
    [['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator'], 'instructor'],
    [['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student', `${M}Learner`], 'learner'],
    [['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Faculty', `${M}Learner`], 'learner'],
    [[`${M}Mentor`], 'other'],
    [[], 'other'],
  ])('%j → %s', (roles, expected) => {
    expect(kairosRole(roles)).toBe(expected);
  });
});
