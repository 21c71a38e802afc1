// Request logs: one readable line per request by default (`npm start`), JSON lines where the environment
// asks for them (NODE_ENV=production, LOG_LEVEL=debug/trace, LOG_FORMAT=json). The app is built as
// start.ts builds it, with its log stream captured.
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../server/app.js';
import { ConfigError, loadConfig } from '../../server/config.js';
import { formatLogLine, loggerOptions, type LogFormat } from '../../server/logging.js';
import { testConfig } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

describe('which format', () => {
  it.each([
    [{}, 'pretty'],
    [{ NODE_ENV: 'development' }, 'pretty'],
    [{ NODE_ENV: 'production' }, 'json'],
    [{ LOG_LEVEL: 'debug' }, 'json'],
    [{ LOG_LEVEL: 'trace' }, 'json'],
    [{ LOG_LEVEL: 'warn' }, 'pretty'],
    [{ LOG_FORMAT: 'json' }, 'json'],
    [{ NODE_ENV: 'production', LOG_FORMAT: 'pretty' }, 'pretty'],
  ] as const)('%j → %s', (env, format) => {
    expect(loadConfig(env).logFormat).toBe(format);
  });

  it('refuses an unknown LOG_FORMAT, naming it', () => {
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(ConfigError);
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow('LOG_FORMAT');
  });
});

describe('the lines', () => {
  const opened: Array<{ app: App; db: TestDatabase }> = [];
  afterAll(async () => {
    for (const { app, db } of opened) {
      await app.close();
      await db.close();
    }
  });

  async function appLogging(format: LogFormat) {
    const lines: string[] = [];
    const sink = { write: (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)) };
    const db = await createTestDatabase();
    const config = { ...testConfig(), logLevel: 'info', logFormat: format };
    const app = await buildApp(config, { database: db.database, closeDatabase: false, logger: loggerOptions('info', format, sink) });
    await app.ready();
    opened.push({ app, db });
    lines.length = 0; // start-up messages
    return { app, lines };
  }

  it('pretty: one readable line per request with method, url, status and milliseconds', async () => {
    // …without a deprecation warning on start-up (Fastify 5 deprecates disableRequestLogging).
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    const { app, lines } = await appLogging('pretty');
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    process.off('warning', onWarning);
    expect(warnings.map((w) => `${(w as Error & { code?: string }).code}: ${w.message}`).filter((w) => w.startsWith('FST'))).toEqual([]);
    await app.inject({ method: 'GET', url: '/healthz' });
    await app.inject({ method: 'GET', url: '/api/topics/not-a-uuid' });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  GET \/healthz 200 \d+ ms$/);
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  GET \/api\/topics\/not-a-uuid 4\d\d \d+ ms$/);
    expect(lines.join('\n')).not.toContain('{');
  });

  it('json: Fastify\'s JSON lines, as a log collector expects', async () => {
    const { app, lines } = await appLogging('json');
    await app.inject({ method: 'GET', url: '/healthz' });
    const records = lines.map((l) => JSON.parse(l) as { msg: string; req?: { url: string }; res?: { statusCode: number } });
    expect(records.map((r) => r.msg)).toEqual(['incoming request', 'request completed']);
    expect(records[0]!.req!.url).toBe('/healthz');
    expect(records[1]!.res!.statusCode).toBe(200);
  });

  it('formats other messages readably, with extra fields and an error\'s stack', () => {
    const time = new Date(2026, 11, 6, 9, 5, 7, 42).getTime();
    expect(formatLogLine(JSON.stringify({ level: 40, time, pid: 1, hostname: 'h', msg: 'mail: retrying', attempt: 2 }))).toBe('09:05:07.042 WARN  mail: retrying {"attempt":2}\n');
    const withError = formatLogLine(JSON.stringify({ level: 50, time, msg: 'boom', err: { message: 'bad', stack: 'Error: bad\n    at x' } }));
    expect(withError).toBe('09:05:07.042 ERROR boom\n    Error: bad\n        at x\n');
    expect(formatLogLine('not json')).toBe('not json\n');
  });
});
