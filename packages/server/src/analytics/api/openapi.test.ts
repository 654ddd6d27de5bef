import { describe, expect, it } from 'vitest';
import { openApiDocument } from './openapi.js';

interface Operation {
  parameters: { name: string; in: string; required: boolean }[];
  security: Record<string, string[]>[];
  description: string;
  responses: Record<string, { content?: Record<string, unknown> }>;
}

describe('openApiDocument', () => {
  const doc = openApiDocument([], 'https://kairos.example.edu', '0.1.0') as {
    paths: Record<string, Record<string, Operation>>;
  };

  it('lists the live feed: server-sent events, its token in the query, resumed by Last-Event-ID', () => {
    const op = doc.paths['/courses/{course}/events']?.get;
    expect(op).toBeDefined();
    expect(Object.keys(op!.responses[200]!.content!)).toEqual(['text/event-stream']);
    expect(op!.parameters.map((p) => [p.name, p.in, p.required])).toEqual([
      ['course', 'path', true],
      ['access_token', 'query', false],
      ['after', 'query', false],
      ['Last-Event-ID', 'header', false],
    ]);
    expect(op!.security).toEqual([{ basic: [] }, { bearer: [] }]);
    expect(op!.description).toContain('analytics/read');
    expect(Object.keys(op!.responses)).toEqual(['200', '401', '403']);
  });
});
