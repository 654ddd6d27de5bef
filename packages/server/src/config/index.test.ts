import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { loadConfig } from './index.js';

describe('loadConfig', () => {
  it('defaults to the embedded layout on port 3000', () => {
    const c = loadConfig({}, {}, '/srv/app');
    expect(c).toMatchObject({ port: 3000, dataDir: '/srv/app/.kairos', publicUrl: 'http://localhost:3000' });
    expect(c.databaseUrl).toBeUndefined();
  });

  it.each([
    ['DATABASE_URL', 'nonsense', /^DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/],
    ['MONGODB_URL', 'http://x', /^MONGODB_URL must be a mongodb:\/\/ or mongodb\+srv:\/\/ URL/],
    ['REDIS_URL', 'localhost:6379', /^REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    ['PORT', 'eighty', /^PORT must be a port number/],
    ['PORT', '70000', /^PORT must be a port number/],
    ['KAIROS_SECRET', 'short', /^KAIROS_SECRET must be at least 32 characters/],
  ])('rejects %s=%s naming the variable', (variable, value, message) => {
    const run = () => loadConfig({ [variable]: value });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(message);
  });

  it('lets flags override the environment and trims the public URL', () => {
    const c = loadConfig({ PORT: '4000', KAIROS_PUBLIC_URL: 'https://k.example.edu/' }, { port: '5000' });
    expect(c.port).toBe(5000);
    expect(c.publicUrl).toBe('https://k.example.edu');
  });

  it('never prints a password it rejects', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://u:secret@h' })).toThrow(/\*\*\*/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '  ' }).databaseUrl).toBeUndefined();
  });
});
