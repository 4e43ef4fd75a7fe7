import 'server-only';
import { incidentChatNotice, maintenanceChatNotice, type ChatNotice } from '../chat/notice';
import { webhookFormat } from '../chat/formats';
import { chatMessageBody } from '../chat/render';
import { db } from '../db';
import { Prisma } from '../generated/prisma/client';
import { env } from '../env';
import { localePath, type Lang } from '../i18n/locales';
import { siteName, siteUrl } from '../site/identity';
import { endpointsFor } from '../webhooks/endpoints';
import { incidentWebhookBodies, type WebhookBody } from '../webhooks/payload';
import type { ComponentStatus, IncidentImpact, IncidentStatus } from '../status/types';
import { kindForUpdate, type NoticeKind } from '../status/notice-kinds';
import { noticeComponentOrder, renderIncidentNotices } from './render/incident-notice';
import { messageIdDomain } from './render/notice-mail';
import { renderMaintenanceNotice, type MaintenanceNoticeInput, type RenderedNotice } from './render/templates';

// Creating a notice: the Notice, one NoticeDelivery per matching subscriber and one
// WebhookDelivery per matching endpoint and payload (Statuspage's JSON, or for a chat channel one
// message in its platform's format, lib/chat), all in one transaction, so the worker finds either the
// whole fan-out or nothing. A dedupe key makes every call idempotent: calling again for the same
// incident update (a retry, the worker's sweep) never creates a second notice.

const CHUNK = 500; // rows per INSERT, well under SQLite's bound-parameter limit

interface Fanout {
  dedupeKey: string;
  kind: NoticeKind;
  incidentId: string | null;
  updateId: string | null;
  componentIds: string[];
  rendered: Record<Lang, RenderedNotice>;
  webhookPayloads: WebhookBody[];
  /** The notice for chat channels, per language: one message per channel and notice. */
  chat: { kind: 'incident' | 'maintenance'; notice: Record<Lang, ChatNotice> } | null;
}

async function createFanout(f: Fanout): Promise<string> {
  const existing = await db.notice.findUnique({ where: { dedupeKey: f.dedupeKey }, select: { id: true } });
  if (existing) return existing.id;
  const endpoints = await endpointsFor(f.componentIds);
  try {
    return await db.$transaction(
      async (tx) => {
        const notice = await tx.notice.create({
          data: {
            kind: f.kind,
            dedupeKey: f.dedupeKey,
            incidentId: f.incidentId,
            updateId: f.updateId,
            subjectJa: f.rendered.ja.subject,
            subjectEn: f.rendered.en.subject,
            textJa: f.rendered.ja.text,
            textEn: f.rendered.en.text,
            htmlJa: f.rendered.ja.html,
            htmlEn: f.rendered.en.html,
          },
        });
        // One INSERT … SELECT for the whole fan-out (100,000 rows in about a second, where row
        // batches took half a minute), with the rule of recipientsFor() in lib/subscribers/recipients.ts:
        // confirmed subscribers who follow everything, one of the components, or the group of one
        // of them (so services added to a group later are covered). Portable SQL; every time is
        // passed in, as the client does for its own inserts (a column default would take
        // PostgreSQL's server time zone, where the client writes UTC).
        const now = new Date();
        const id = Prisma.sql`CAST(${notice.id} AS TEXT)`;
        const follows = f.componentIds.length
          ? Prisma.sql`OR EXISTS (SELECT 1 FROM "SubscriberComponent" sc WHERE sc."subscriberId" = s."id" AND sc."componentId" IN (${Prisma.join(f.componentIds)}))
               OR EXISTS (SELECT 1 FROM "SubscriberGroup" sg JOIN "Component" c ON c."groupId" = sg."groupId" WHERE sg."subscriberId" = s."id" AND c."id" IN (${Prisma.join(f.componentIds)}))`
          : Prisma.empty;
        await tx.$executeRaw`
          INSERT INTO "NoticeDelivery" ("id", "noticeId", "subscriberId", "lang", "status", "attempts", "nextAttemptAt", "messageId", "createdAt")
          SELECT ${id} || '.' || s."id", ${notice.id}, s."id", s."lang", 'pending', 0, ${now},
                 '<' || ${id} || '.' || s."id" || '@' || CAST(${messageIdDomain()} AS TEXT) || '>', ${now}
          FROM "Subscriber" s
          WHERE s."status" = 'active' AND (s."allComponents" = true ${follows})`;
        const webhookRows = endpoints.flatMap((e): { endpointId: string; noticeId: string; kind: string; payload: string }[] => {
          const lang: Lang = e.lang === 'en' ? 'en' : 'ja';
          const format = webhookFormat(e.format);
          if (format === 'statuspage') return f.webhookPayloads.map((p) => ({ endpointId: e.id, noticeId: notice.id, kind: p.kind, payload: p.body[lang] }));
          return f.chat ? [{ endpointId: e.id, noticeId: notice.id, kind: f.chat.kind, payload: chatMessageBody(format, f.chat.notice[lang]) }] : [];
        });
        for (let i = 0; i < webhookRows.length; i += CHUNK) await tx.webhookDelivery.createMany({ data: webhookRows.slice(i, i + CHUNK) });
        return notice.id;
      },
      { timeout: 120_000 },
    );
  } catch (error) {
    // Another process created the same notice a moment ago: theirs is the one.
    const raced = await db.notice.findUnique({ where: { dedupeKey: f.dedupeKey }, select: { id: true } });
    if (raced) return raced.id;
    throw error;
  }
}

const bothLangs = async <T>(make: (lang: Lang) => Promise<T> | T): Promise<Record<Lang, T>> => ({ ja: await make('ja'), en: await make('en') });

/**
 * Notifies subscribers of an incident update: opened (its first update), update, resolved, or the
 * report (`incident_report`). Unpublished incidents notify nobody. Returns the notice id, or null
 * when there is nothing to send. Never throws: a failure here must not undo the incident change;
 * the worker's sweep creates any notice that was missed.
 */
export async function enqueueIncidentNotice(incidentId: string, updateId: string | null, kind?: NoticeKind): Promise<string | null> {
  try {
    return await createIncidentNotice(incidentId, updateId, kind);
  } catch (error) {
    console.error(`notices: could not create the notice for incident ${incidentId}:`, error);
    return null;
  }
}

export async function createIncidentNotice(incidentId: string, updateId: string | null, kind?: NoticeKind): Promise<string | null> {
  const incident = await db.incident.findUnique({
    where: { id: incidentId },
    include: {
      components: { include: { component: true } },
      updates: { orderBy: [{ displayAt: 'asc' }, { createdAt: 'asc' }], include: { transitions: true } },
    },
  });
  if (!incident || !incident.published) return null;
  const first = incident.updates[0] ?? null;
  const update = updateId ? (incident.updates.find((u) => u.id === updateId) ?? null) : kind === 'incident_opened' ? first : (incident.updates.at(-1) ?? null);
  const noticeKind = kind ?? kindForUpdate(update?.status ?? incident.status, update?.id === first?.id);
  if (!noticeKind.startsWith('incident_')) throw new Error(`${noticeKind} is not an incident notice`);

  const components = noticeComponentOrder(incident.components.map((c) => c.component));
  const rendered = renderIncidentNotices(noticeKind as Extract<NoticeKind, `incident_${string}`>, {
    slug: incident.slug,
    titleJa: incident.titleJa,
    titleEn: incident.titleEn,
    startedAt: incident.startedAt,
    resolvedAt: incident.resolvedAt,
    maxDelayMinutes: incident.maxDelayMinutes,
    components,
    update: update ? { bodyJa: update.bodyJa, bodyEn: update.bodyEn, displayAt: update.displayAt } : null,
    reportJa: incident.reportJa,
    reportEn: incident.reportEn,
  });

  // Statuspage-shaped, from the API's own shaper and what the API shows at this moment.
  const webhookPayloads = await incidentWebhookBodies(incident.id, update, { unsubscribe: siteUrl('/subscribe'), documentation: siteUrl('/subscribe#webhooks') });

  const incidentKind = noticeKind as Extract<NoticeKind, `incident_${string}`>;
  const chatInput = {
    kind: incidentKind,
    title: { ja: incident.titleJa, en: incident.titleEn },
    status: (update?.status ?? incident.status) as IncidentStatus,
    impact: incident.impact as IncidentImpact,
    components: components.map((c) => ({ name: { ja: c.nameJa, en: c.nameEn }, status: c.status as ComponentStatus })),
    body: incidentKind === 'incident_report' ? { ja: incident.reportJa, en: incident.reportEn } : { ja: update?.bodyJa ?? '', en: update?.bodyEn ?? '' },
    at: update?.displayAt ?? new Date(),
    url: { ja: siteUrl(localePath('ja', `/incidents/${incident.slug}`)), en: siteUrl(localePath('en', `/incidents/${incident.slug}`)) },
    siteName: { ja: siteName('ja'), en: siteName('en') },
  };

  return createFanout({
    dedupeKey: `incident:${incident.id}:${update?.id ?? '-'}:${noticeKind}`,
    kind: noticeKind,
    incidentId: incident.id,
    updateId: update?.id ?? null,
    componentIds: components.map((c) => c.id),
    rendered,
    webhookPayloads,
    chat: { kind: 'incident', notice: { ja: incidentChatNotice(chatInput, 'ja'), en: incidentChatNotice(chatInput, 'en') } },
  });
}

export interface MaintenanceNotice extends Omit<MaintenanceNoticeInput, 'siteName' | 'components' | 'url'> {
  /** Identifies the maintenance (its slug or id): one notice per maintenance and kind. */
  key: string;
  componentIds: string[];
  /** Path of the maintenance page, e.g. /maintenance/2014-12-05-mail. */
  path: string;
}

/** Announces, starts or completes a maintenance; the scheduling console calls this. */
export async function enqueueMaintenanceNotice(m: MaintenanceNotice): Promise<string> {
  const components = await db.component.findMany({ where: { id: { in: m.componentIds } }, orderBy: { position: 'asc' } });
  const url = { ja: siteUrl(localePath('ja', m.path)), en: siteUrl(localePath('en', m.path)) };
  const chatInput = {
    kind: m.kind,
    title: { ja: m.titleJa, en: m.titleEn },
    startsAt: m.startsAt,
    endsAt: m.endsAt,
    components: components.map((c) => ({ name: { ja: c.nameJa, en: c.nameEn } })),
    body: { ja: m.bodyJa, en: m.bodyEn },
    url,
    siteName: { ja: siteName('ja'), en: siteName('en') },
    timeZone: env.SITE_TIME_ZONE,
  };
  const rendered = await bothLangs((lang) => renderMaintenanceNotice({ ...m, siteName: { ja: siteName('ja'), en: siteName('en') }, components, url }, lang, env.SITE_TIME_ZONE));
  return createFanout({
    dedupeKey: `maintenance:${m.key}:${m.kind}`,
    kind: m.kind,
    incidentId: null,
    updateId: null,
    componentIds: components.map((c) => c.id),
    rendered,
    // Statuspage's webhooks have no maintenance event; chat channels are told like mail subscribers.
    webhookPayloads: [],
    chat: { kind: 'maintenance', notice: await bothLangs((lang) => maintenanceChatNotice(chatInput, lang)) },
  });
}

/**
 * Incident updates of the last day that should have notified and did not (the site stopped
 * between saving the update and creating the notice). The worker calls this now and then.
 */
export async function createMissedIncidentNotices(now = new Date()): Promise<number> {
  const since = new Date(now.getTime() - 24 * 3600_000);
  const updates = await db.incidentUpdate.findMany({
    where: { createdAt: { gte: since }, displayAt: { gte: since }, notify: true, incident: { published: true } },
    select: { id: true, incidentId: true },
  });
  if (!updates.length) return 0;
  const known = new Set(
    (await db.notice.findMany({ where: { updateId: { in: updates.map((u) => u.id) } }, select: { updateId: true } })).map((n) => n.updateId),
  );
  let created = 0;
  for (const u of updates.filter((x) => !known.has(x.id))) {
    if (await createIncidentNotice(u.incidentId, u.id)) created++;
  }
  return created;
}
