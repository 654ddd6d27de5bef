import { describe, expect, it } from 'vitest';
import { agentKey } from './agent-key.js';
import { matchKeys } from './match-keys.js';
import { kairosAnswered, validStatements, validStatements2 } from './test-support/fixtures.js';
import type { Statement } from './types.js';

describe('agentKey', () => {
  it('builds one key per IFI kind', () => {
    expect(agentKey({ mbox: 'MAILTO:A@B.ORG' })).toBe('mbox:mailto:A@b.org');
    expect(agentKey({ mbox_sha1sum: 'ABCDEF0123456789ABCDEF0123456789ABCDEF01' })).toBe(
      'mbox_sha1sum:abcdef0123456789abcdef0123456789abcdef01',
    );
    expect(agentKey({ openid: 'http://openid.example.org/1' })).toBe('openid:http://openid.example.org/1');
    expect(agentKey({ account: { homePage: 'https://lms.example', name: '42' } })).toBe(
      'account:https://lms.example|42',
    );
    expect(agentKey({ objectType: 'Group', mbox: 'mailto:g@x.org' })).toBe('mbox:mailto:g@x.org');
    expect(agentKey({ objectType: 'Group', member: [{ mbox: 'mailto:a@x.org' }] })).toBeUndefined();
  });
});

describe('matchKeys', () => {
  it('indexes a Kairos statement', () => {
    expect(matchKeys(kairosAnswered)).toEqual({
      agents: ['account:https://moodle.example.edu|sub-42'],
      relatedAgents: ['account:https://moodle.example.edu|sub-42'],
      verb: 'http://adlnet.gov/expapi/verbs/answered',
      activities: ['https://course.example.edu/quiz/1/q/3'],
      relatedActivities: [
        'https://course.example.edu/quiz/1/q/3',
        'https://course.example.edu/quiz/1',
        'https://moodle.example.edu/course/7',
        'https://kairos.dev/xapi/profile/v1',
      ],
      registration: '6f1f8a0e-2b7c-4d3e-9f10-1a2b3c4d5e6f',
    });
  });

  it('matches Group members for the agent filter (actor and object)', () => {
    const k = matchKeys(validStatements.identifiedGroup!);
    expect(k.agents).toEqual(['mbox:mailto:team@example.com', 'mbox:mailto:a@example.com']);
    const anon = matchKeys(validStatements.anonymousGroup!);
    expect(anon.agents).toEqual(['mbox:mailto:a@example.com', 'account:http://x.example|b']);
    expect(matchKeys(validStatements.agentObject!).agents).toContain('mbox:mailto:other@example.com');
    expect(matchKeys(validStatements.agentObject!).activities).toEqual([]);
  });

  it('puts authority, instructor, team and context agents only in relatedAgents', () => {
    const k = matchKeys(validStatements.fullContext!);
    expect(k.agents).toEqual(['mbox:mailto:xapi@adlnet.gov']);
    expect(k.relatedAgents).toEqual([
      'mbox:mailto:xapi@adlnet.gov',
      'account:http://example.com/xAPI/OAuth/Token|4cc',
      'mbox:mailto:user@example.com',
      'mbox:mailto:teacher@example.com',
      'mbox:mailto:a@example.com',
    ]);
    expect(k.relatedActivities).toEqual([
      'http://www.example.com/meetings/occurances/34534',
      'http://example.com/objective/1',
    ]);
    const v2 = matchKeys(validStatements2.contextAgents!);
    expect(v2.relatedAgents).toEqual([
      'mbox:mailto:xapi@adlnet.gov',
      'mbox:mailto:player-1@example.com',
      'account:https://example.com|team-a',
    ]);
  });

  it('includes SubStatement parts in the related keys only', () => {
    const k = matchKeys(validStatements.subStatement!);
    expect(k.agents).toEqual(['mbox:mailto:xapi@adlnet.gov']);
    expect(k.relatedAgents).toEqual(['mbox:mailto:xapi@adlnet.gov', 'mbox:mailto:sub@example.com']);
    expect(k.activities).toEqual([]);
    expect(k.relatedActivities).toEqual([
      'http://example.com/activities/museum',
      'http://example.com/activities/trip',
    ]);
  });

  it('records StatementRef and voiding targets, lowercased', () => {
    const ref = matchKeys(validStatements.statementRef!);
    expect(ref.refTarget).toBe('aa97b177-9383-4934-8543-0f91a7a02836');
    expect(ref.voidingTarget).toBeUndefined();
    expect(matchKeys(validStatements.voiding!).voidingTarget).toBe('e05aa883-acaf-40ad-bf54-02c8ce485fb0');
  });

  it('deduplicates keys', () => {
    const s = {
      ...validStatements.minimal,
      object: { objectType: 'Agent', mbox: 'mailto:xapi@adlnet.gov' },
    } as Statement;
    expect(matchKeys(s).agents).toEqual(['mbox:mailto:xapi@adlnet.gov']);
  });
});
