// Components managed in the console, on a real SQLite database with the real migrations: slugs are
// fixed at creation, order moves one step per click, a component with history is archived and never
// deleted, every write is audited with before and after, and the seed on start never undoes staff edits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedSqlite, type MigratedDatabase } from '../../tests/support/migrated-database';

let database: MigratedDatabase;
let admin: typeof import('./admin');
let importer: typeof import('../content/import');
let db: typeof import('../db').db;
const staff = { id: null, email: 'admin@example.test' };

beforeAll(async () => {
  database = migratedSqlite('components-admin');
  process.env.DATABASE_URL = database.url;
  admin = await import('./admin');
  importer = await import('../content/import');
  db = (await import('../db')).db;
});
afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

const lastAudit = async (action: string) => {
  const row = await db.auditLog.findFirst({ where: { action }, orderBy: { at: 'desc' } });
  return row ? { ...row, details: JSON.parse(row.details) } : null;
};
const orderIn = async (groupId: string) => (await db.component.findMany({ where: { groupId }, orderBy: { position: 'asc' }, select: { slug: true } })).map((c) => c.slug);

describe('components in the console', () => {
  it('seeds the catalogue on a new install only', async () => {
    expect(await importer.ensureCatalogue()).toBe(10);
    expect(await importer.ensureCatalogue()).toBe(0);
  });

  it('creates a group and a component, refuses a taken or malformed slug', async () => {
    const group = await admin.createGroup(staff, { slug: 'network', nameJa: 'ネットワーク', nameEn: 'Network' });
    const groups = await db.componentGroup.findMany({ orderBy: { position: 'asc' } });
    expect(groups.at(-1)?.slug).toBe('network');
    const c = await admin.createComponent(staff, { slug: 'backbone', nameJa: 'バックボーン', nameEn: 'Backbone', descriptionJa: '', descriptionEn: '', groupId: group.id, onlyShowIfDegraded: false });
    expect(c.slug).toBe('backbone');
    expect((await lastAudit('component.create'))?.details.after).toMatchObject({ slug: 'backbone', nameEn: 'Backbone', groupId: group.id });
    await expect(admin.createComponent(staff, { slug: 'backbone', nameJa: 'x', nameEn: 'x', descriptionJa: '', descriptionEn: '', groupId: group.id, onlyShowIfDegraded: false })).rejects.toThrow(/slug is taken/);
    await expect(admin.createGroup(staff, { slug: 'Bad Slug', nameJa: 'x', nameEn: 'x' })).rejects.toThrow();
  });

  it('edits names and flags but never the slug, auditing before and after', async () => {
    const c = await db.component.findUniqueOrThrow({ where: { slug: 'backbone' } });
    await admin.updateComponent(staff, c.id, { slug: 'renamed', nameJa: '基幹網', nameEn: 'Core network', descriptionJa: '説明', descriptionEn: 'About', groupId: c.groupId!, onlyShowIfDegraded: true } as never);
    const after = await db.component.findUniqueOrThrow({ where: { id: c.id } });
    expect(after).toMatchObject({ slug: 'backbone', nameJa: '基幹網', nameEn: 'Core network', onlyShowIfDegraded: true });
    const entry = await lastAudit('component.update');
    expect(entry?.details.changes).toEqual({ nameJa: ['バックボーン', '基幹網'], nameEn: ['Backbone', 'Core network'], descriptionJa: ['', '説明'], descriptionEn: ['', 'About'], onlyShowIfDegraded: [false, true] });
  });

  it('moves a component to another group, at its end', async () => {
    const c = await db.component.findUniqueOrThrow({ where: { slug: 'backbone' } });
    const hosting = await db.componentGroup.findUniqueOrThrow({ where: { slug: 'hosting' } });
    await admin.updateComponent(staff, c.id, { nameJa: c.nameJa, nameEn: c.nameEn, descriptionJa: c.descriptionJa, descriptionEn: c.descriptionEn, groupId: hosting.id, onlyShowIfDegraded: c.onlyShowIfDegraded });
    expect(await orderIn(hosting.id)).toEqual(['shared-hosting', 'dedicated-server', 'vps', 'backbone']);
    expect((await lastAudit('component.update'))?.details.changes.groupId[1]).toBe(hosting.id);
  });

  it('reorders components and groups one step per click, and not past either end', async () => {
    const hosting = await db.componentGroup.findUniqueOrThrow({ where: { slug: 'hosting' } });
    const vps = await db.component.findUniqueOrThrow({ where: { slug: 'vps' } });
    await admin.moveComponent(staff, vps.id, 'up');
    expect(await orderIn(hosting.id)).toEqual(['shared-hosting', 'vps', 'dedicated-server', 'backbone']);
    const first = await db.component.findUniqueOrThrow({ where: { slug: 'shared-hosting' } });
    expect(await admin.moveComponent(staff, first.id, 'up')).toBeNull();
    expect(await orderIn(hosting.id)).toEqual(['shared-hosting', 'vps', 'dedicated-server', 'backbone']);
    expect((await lastAudit('component.reorder'))?.details).toEqual({ slug: 'vps', position: [2, 1] });

    const network = await db.componentGroup.findUniqueOrThrow({ where: { slug: 'network' } });
    await admin.moveGroup(staff, network.id, 'up');
    const groups = (await db.componentGroup.findMany({ orderBy: { position: 'asc' } })).map((g) => g.slug);
    expect(groups).toEqual(['mail', 'hosting', 'network', 'platform']);
  });

  it('renames a group and deletes it only once empty', async () => {
    const network = await db.componentGroup.findUniqueOrThrow({ where: { slug: 'network' } });
    await admin.renameGroup(staff, network.id, { nameJa: '回線', nameEn: 'Lines' });
    expect((await lastAudit('component_group.update'))?.details.changes).toEqual({ nameJa: ['ネットワーク', '回線'], nameEn: ['Network', 'Lines'] });
    await admin.createComponent(staff, { slug: 'uplink', nameJa: '上流', nameEn: 'Uplink', descriptionJa: '', descriptionEn: '', groupId: network.id, onlyShowIfDegraded: false });
    await expect(admin.deleteGroup(staff, network.id)).rejects.toThrow(/Move its components out/);
  });

  it('deletes a component without history, archives one with history and refuses to delete it', async () => {
    const uplink = await db.component.findUniqueOrThrow({ where: { slug: 'uplink' } });
    expect(await admin.hasHistory(uplink.id)).toBe(false);
    await admin.deleteComponent(staff, uplink.id);
    expect(await db.component.findUnique({ where: { slug: 'uplink' } })).toBeNull();
    expect((await lastAudit('component.delete'))?.details.before.slug).toBe('uplink');

    const dns = await db.component.findUniqueOrThrow({ where: { slug: 'dns' } });
    const incident = await db.incident.create({ data: { slug: 'dns-outage', titleJa: 'DNS障害', titleEn: 'DNS outage', impact: 'major', status: 'resolved', startedAt: new Date() } });
    await db.incidentComponent.create({ data: { incidentId: incident.id, componentId: dns.id, status: 'major_outage' } });
    expect(await admin.hasHistory(dns.id)).toBe(true);
    await expect(admin.deleteComponent(staff, dns.id)).rejects.toThrow(/archive it/);
    await admin.setArchived(staff, dns.id, true);
    expect((await db.component.findUniqueOrThrow({ where: { id: dns.id } })).archivedAt).toBeInstanceOf(Date);
    expect((await lastAudit('component.archive'))?.details.changes.archivedAt[0]).toBeNull();
    // The incident still names it.
    expect(await db.incidentComponent.count({ where: { componentId: dns.id } })).toBe(1);
  });

  it('the seed on start keeps staff edits: no revived archive, no re-created deletion, names kept', async () => {
    const webmail = await db.component.findUniqueOrThrow({ where: { slug: 'webmail' } });
    await admin.deleteComponent(staff, webmail.id);
    expect(await importer.ensureCatalogue()).toBe(0);
    expect(await db.component.findUnique({ where: { slug: 'webmail' } })).toBeNull();
    expect((await db.component.findUniqueOrThrow({ where: { slug: 'dns' } })).archivedAt).not.toBeNull();
    expect((await db.component.findUniqueOrThrow({ where: { slug: 'backbone' } })).nameEn).toBe('Core network');
  });

  it('an archived component is offered nowhere: not in the console’s forms, not to new subscribers', async () => {
    const { listComponentsForForms } = await import('../incidents/admin');
    const { resolveChoice } = await import('../subscribers/subscribe');
    expect((await listComponentsForForms()).map((c) => c.slug)).not.toContain('dns');
    expect(await resolveChoice({ lang: 'ja', all: false, components: ['dns'], groups: [] })).toBeNull();
    expect(await resolveChoice({ lang: 'ja', all: false, components: ['backbone'], groups: [] })).not.toBeNull();
  });

  it('unarchives', async () => {
    const dns = await db.component.findUniqueOrThrow({ where: { slug: 'dns' } });
    await admin.setArchived(staff, dns.id, false);
    expect((await db.component.findUniqueOrThrow({ where: { id: dns.id } })).archivedAt).toBeNull();
    expect(await lastAudit('component.unarchive')).not.toBeNull();
  });
});
