import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';

describe('configuration', () => {
  it('has defaults for a newcomer: PGlite in ./data with demo content on port 3000', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', publicUrl: 'http://localhost:3000', dataDir: './data', demo: true, secureCookies: false, trustProxy: false });
    expect(c.databaseUrl).toBeUndefined();
  });

  it('turns demo content off by default on a real database, and derives Secure cookies from PUBLIC_URL', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u@h/db', PUBLIC_URL: 'https://forum.example.org/' });
    expect(c.demo).toBe(false);
    expect(c.secureCookies).toBe(true);
    expect(c.publicOrigin).toBe('https://forum.example.org');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PUBLIC_URL: 'ftp://x' }, 'PUBLIC_URL'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DEMO: 'yes' }, 'DEMO'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ ADMIN_EMAIL: 'a@b.c', ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD'],
    [{ ADMIN_EMAIL: 'a@b.c' }, 'ADMIN_PASSWORD'],
    [{ REPORT_PARALLELISM: '0' }, 'REPORT_PARALLELISM'],
    [{ REPORT_PARALLELISM: 'many' }, 'REPORT_PARALLELISM'],
    [{ COOKIE_SECRET: 'too short' }, 'COOKIE_SECRET'],
    [{ COOKIE_SECRET: `${'a'.repeat(32)},short` }, 'COOKIE_SECRET'],
    [{ SIGNIN_FAILURES_PER_ADDRESS: '3' }, 'SIGNIN_FAILURES_PER_ADDRESS'],
  ])('stops start-up on %j with a message naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(variable);
  });

  it('reads REPORT_PARALLELISM, unset by default (the services then use 2 on PostgreSQL)', () => {
    expect(loadConfig({}).reportParallelism).toBeUndefined();
    expect(loadConfig({ REPORT_PARALLELISM: '4' }).reportParallelism).toBe(4);
  });

  it('reads COOKIE_SECRET (comma-separated, first signs) and the per-address sign-in cap', () => {
    expect(loadConfig({}).cookieSecrets).toBeUndefined(); // generated once and kept in the database
    const [a, b] = ['a'.repeat(32), 'b'.repeat(40)];
    expect(loadConfig({ COOKIE_SECRET: `${a}, ${b}` }).cookieSecrets).toEqual([a, b]);
    expect(loadConfig({}).signInLimits.address).toEqual({ maxFailures: 300, windowMs: 3_600_000 });
    expect(loadConfig({ SIGNIN_FAILURES_PER_ADDRESS: '1000' }).signInLimits.address.maxFailures).toBe(1000);
    expect(loadConfig({}).signInLimits.accountAddress.maxFailures).toBeLessThan(10);
  });

  it('reads TRUST_PROXY as Fastify understands it', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8' }).trustProxy).toBe('10.0.0.0/8');
  });

  it('sends mail through SMTP_URL from MAIL_FROM, or into DATA_DIR/outbox from stoa@ the public host', () => {
    const embedded = loadConfig({ DATA_DIR: '/var/stoa', PUBLIC_URL: 'https://forum.example.org' });
    expect(embedded.mail.smtpUrl).toBeUndefined();
    expect(embedded.mail.outboxDir).toBe('/var/stoa/outbox');
    expect(embedded.mail.from).toBe('Stoa <stoa@forum.example.org>');
    const smtp = loadConfig({ SMTP_URL: 'smtp://user:pass@mail.example.org:587', MAIL_FROM: 'ELT Trainers <forum@example.org>' });
    expect(smtp.mail.smtpUrl).toBe('smtp://user:pass@mail.example.org:587');
    expect(smtp.mail.from).toBe('ELT Trainers <forum@example.org>');
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.org' })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ MAIL_FROM: 'nobody' })).toThrow(/MAIL_FROM/);
    expect(loadConfig({ REPLY_TO_DOMAIN: 'reply.example.org', INBOUND_SMTP_PORT: '2525' }).mail.inbound).toMatchObject({ replyToDomain: 'reply.example.org', port: 2525 });
    expect(loadConfig({}).mail.inbound).toBeUndefined();
    expect(() => loadConfig({ REPLY_TO_DOMAIN: 'reply.example.org' })).toThrow(/REPLY_TO_DOMAIN and INBOUND_SMTP_PORT/);
  });
});
