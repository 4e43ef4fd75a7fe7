import { describe, expect, it } from 'vitest';
import { databaseProvider } from './db-client';
import { parseEnv } from './env';

describe('choosing the database from DATABASE_URL', () => {
  it('takes file: URLs as SQLite and postgres(ql):// URLs as PostgreSQL', () => {
    expect(databaseProvider('file:./data/tayori.db')).toBe('sqlite');
    expect(databaseProvider('postgresql://tayori@db.internal:5432/tayori')).toBe('postgresql');
    expect(databaseProvider('postgres://tayori@db.internal/tayori?sslmode=require')).toBe('postgresql');
  });

  it('refuses any other scheme, naming the variable', () => {
    expect(() => databaseProvider('mysql://tayori@db/tayori')).toThrow(/^DATABASE_URL: unsupported scheme "mysql:"/);
    expect(() => parseEnv({ DATABASE_URL: 'mysql://tayori@db/tayori' })).toThrow(/DATABASE_URL: must start with "file:" \(SQLite\) or "postgresql:\/\/"/);
    expect(parseEnv({ DATABASE_URL: 'postgresql://tayori@db/tayori' }).DATABASE_URL).toBe('postgresql://tayori@db/tayori');
    expect(parseEnv({}).DATABASE_URL).toBe('file:./data/tayori.db');
  });
});
