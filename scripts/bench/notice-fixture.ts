// What both notice benchmarks (bench:notify and its --path mta mode) send from: a migrated, seeded
// SQLite database in a directory of its own, active subscribers written in bulk, and one incident
// notice created by the code the site runs (createIncidentNotice writes a delivery row per subscriber).
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface NoticeFixture {
  /** A temporary directory for the database, DATA_DIR and anything else of the run. */
  work: string;
  /** The environment the worker (and this process) run with. */
  env: NodeJS.ProcessEnv;
  sqlite: Database.Database;
  noticeId: string;
  enqueueSeconds: number;
}

/** Every third subscriber reads English, the others Japanese. */
export async function prepareNoticeFixture(subscribers: number, emailOf: (i: number) => string): Promise<NoticeFixture> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'tayori-bench-notify-'));
  const databaseUrl = `file:${path.join(work, 'bench.db')}`;
  const env = { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: work, NOTICE_TOKEN_SECRET: 'bench-notify-secret-0123456789abcdef', NOTICE_FROM_ADDRESS: 'status@tayori.test', SITE_URL: 'https://status.tayori.test' };
  const { prepareDatabase } = (await import(path.join(ROOT, 'scripts/prepare-db.mjs'))) as { prepareDatabase: (e: NodeJS.ProcessEnv) => unknown };
  prepareDatabase(env);
  // lib/env reads process.env once, on first import: the imports below come after this.
  Object.assign(process.env, env);
  const { sqliteDateTime } = await import('../../lib/db-dialect');
  const sqlite = new Database(databaseUrl.slice('file:'.length));
  sqlite.pragma('journal_mode = WAL');
  const now = sqliteDateTime(new Date());
  const insert = sqlite.prepare("INSERT INTO Subscriber (id, email, lang, status, allComponents, tokenVersion, hardBounces, createdAt, updatedAt) VALUES (?, ?, ?, 'active', 1, 1, 0, ?, ?)");
  sqlite.transaction(() => {
    for (let i = 0; i < subscribers; i++) insert.run(`b${randomUUID().replace(/-/g, '').slice(0, 24)}`, emailOf(i), i % 3 ? 'ja' : 'en', now, now);
  })();

  const { db } = await import('../../lib/db');
  const { createIncidentNotice } = await import('../../lib/notices/enqueue');
  const component = await db.component.findUniqueOrThrow({ where: { slug: 'mail-inbound' } });
  const incident = await db.incident.create({
    data: {
      slug: 'bench-mail-delay',
      titleJa: 'メール受信の遅延',
      titleEn: 'Delays in mail reception',
      impact: 'major',
      status: 'investigating',
      startedAt: new Date(),
      maxDelayMinutes: 45,
      source: 'auto',
      components: { create: [{ componentId: component.id, status: 'partial_outage' }] },
      updates: { create: [{ status: 'investigating', bodyJa: 'メール受信に遅延が発生しております。現在、最大で約45分の遅延が発生しています。', bodyEn: 'Mail reception is delayed by up to about 45 minutes.', displayAt: new Date() }] },
    },
  });
  const enqueueStarted = performance.now();
  const noticeId = await createIncidentNotice(incident.id, null, 'incident_opened');
  const enqueueSeconds = (performance.now() - enqueueStarted) / 1000;
  if (!noticeId) throw new Error('no notice was created for the benchmark incident');
  await db.$disconnect();
  return { work, env, sqlite, noticeId, enqueueSeconds };
}
