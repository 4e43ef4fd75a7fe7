// Idempotency records on a real database with the real migrations (SQLite; PostgreSQL when
// TAYORI_TEST_POSTGRES_URL names a server).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedPostgres, migratedSqlite, type MigratedDatabase } from '../../tests/support/migrated-database';

let database: MigratedDatabase;
let db: typeof import('../db').db;
let idem: typeof import('./idempotency');
let apiKeyId = '';

beforeAll(async () => {
  const postgres = process.env.TAYORI_TEST_POSTGRES_URL;
  database = postgres ? await migratedPostgres(postgres, 'idempotency') : migratedSqlite('idempotency');
  process.env.DATABASE_URL = database.url;
  db = (await import('../db')).db;
  idem = await import('./idempotency');
  apiKeyId = (await db.apiKey.create({ data: { name: 'test', prefix: 'tyk_abcdefgh', keyHash: 'h', role: 'editor', createdByEmail: 'cli' } })).id;
});
afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

const hashA = () => idem.requestHash('POST', '/api/v1/pages/p/incidents', '{"incident":{"name":"a"}}');

describe('Idempotency-Key', () => {
  it('claims a new key once; the same request is told it is running, then gets the stored answer', async () => {
    const first = await idem.claimIdempotencyKey(apiKeyId, 'k1', hashA());
    expect(first.kind).toBe('claimed');
    expect(await idem.claimIdempotencyKey(apiKeyId, 'k1', hashA())).toEqual({ kind: 'in_progress' });
    await idem.completeIdempotencyKey((first as { recordId: string }).recordId, { status: 201, body: '{"id":"x"}' });
    expect(await idem.claimIdempotencyKey(apiKeyId, 'k1', hashA())).toEqual({ kind: 'replay', answer: { status: 201, body: '{"id":"x"}' } });
  });

  it('refuses the key for a different request (method, path or body)', async () => {
    await idem.claimIdempotencyKey(apiKeyId, 'k2', hashA());
    expect(await idem.claimIdempotencyKey(apiKeyId, 'k2', idem.requestHash('POST', '/api/v1/pages/p/incidents', '{"incident":{"name":"b"}}'))).toEqual({ kind: 'mismatch' });
    expect(await idem.claimIdempotencyKey(apiKeyId, 'k2', idem.requestHash('PATCH', '/api/v1/pages/p/incidents', '{"incident":{"name":"a"}}'))).toEqual({ kind: 'mismatch' });
  });

  it('frees a key whose request failed, so the client can retry with it', async () => {
    const claim = await idem.claimIdempotencyKey(apiKeyId, 'k3', hashA());
    await idem.releaseIdempotencyKey((claim as { recordId: string }).recordId);
    expect((await idem.claimIdempotencyKey(apiKeyId, 'k3', hashA())).kind).toBe('claimed');
  });

  it('lets one of two simultaneous first requests through', async () => {
    const claims = await Promise.all([1, 2, 3].map(() => idem.claimIdempotencyKey(apiKeyId, 'k4', hashA())));
    expect(claims.filter((c) => c.kind === 'claimed')).toHaveLength(1);
    expect(claims.filter((c) => c.kind === 'in_progress')).toHaveLength(2);
  });

  it('keeps keys apart per API key, and forgets them after 24 hours', async () => {
    const other = (await db.apiKey.create({ data: { name: 'other', prefix: 'tyk_zzzzzzzz', keyHash: 'h2', role: 'editor', createdByEmail: 'cli' } })).id;
    expect((await idem.claimIdempotencyKey(other, 'k1', hashA())).kind).toBe('claimed');
    const longAgo = new Date(Date.now() - 25 * 3600_000);
    const old = await idem.claimIdempotencyKey(apiKeyId, 'k5', hashA(), longAgo);
    await idem.completeIdempotencyKey((old as { recordId: string }).recordId, { status: 201, body: '{}' });
    expect((await idem.claimIdempotencyKey(apiKeyId, 'k5', hashA())).kind).toBe('claimed');
    await idem.claimIdempotencyKey(apiKeyId, 'k6', hashA(), longAgo);
    expect(await idem.pruneIdempotencyRecords()).toBe(1);
  });

  it('refuses keys that are empty, too long or not visible ASCII', async () => {
    for (const key of ['', 'x'.repeat(256), 'with space', 'キー']) expect(await idem.claimIdempotencyKey(apiKeyId, key, hashA())).toEqual({ kind: 'invalid_key' });
  });
});
