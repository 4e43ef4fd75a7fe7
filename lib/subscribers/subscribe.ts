import 'server-only';
import { createHash } from 'node:crypto';
import type { SendMailOptions } from 'nodemailer';
import { db } from '../db';
import { env } from '../env';
import { DEFAULT_LANG, localePath, type Lang } from '../i18n/locales';
import { composeDirectMail } from '../mime/direct-mail';
import { alreadySubscribedMail, confirmationMail } from './confirmation-mail';
import { subscriberLinks } from './links';
import { allowHit } from './rate-limit';
import { hashToken, randomToken, signManageToken, verifyManageToken } from './tokens';
import { checkEmail, type EmailError, type SubscriptionChoice } from './validation';

// Subscribing, confirming, managing and leaving. Callers get DTOs and outcomes, never rows.

export type SubscribeError = EmailError | 'rate_limited' | 'unknown_component' | 'no_component';

export type SubscribeResult =
  | { ok: true; /** The mail to send after answering (the same answer whether or not it is sent). */ mail: SendMailOptions | null }
  | { ok: false; field: 'email' | 'components' | 'form'; error: SubscribeError };

interface ResolvedChoice {
  all: boolean;
  componentIds: string[];
  groupIds: string[];
}

/** Turns slugs into ids; null if any slug is unknown. */
export async function resolveChoice(choice: SubscriptionChoice): Promise<ResolvedChoice | null> {
  if (choice.all) return { all: true, componentIds: [], groupIds: [] };
  const [components, groups] = await Promise.all([
    db.component.findMany({ where: { slug: { in: choice.components }, archivedAt: null }, select: { id: true } }),
    db.componentGroup.findMany({ where: { slug: { in: choice.groups } }, select: { id: true } }),
  ]);
  if (components.length !== new Set(choice.components).size || groups.length !== new Set(choice.groups).size) return null;
  return { all: false, componentIds: components.map((c) => c.id), groupIds: groups.map((g) => g.id) };
}

function choiceWrites(choice: ResolvedChoice) {
  return {
    allComponents: choice.all,
    components: { deleteMany: {}, create: choice.componentIds.map((componentId) => ({ componentId })) },
    groups: { deleteMany: {}, create: choice.groupIds.map((groupId) => ({ groupId })) },
  };
}

const addressKey = (email: string) => createHash('sha256').update(email).digest('hex').slice(0, 32);

export async function requestSubscription(rawEmail: string, choice: SubscriptionChoice, clientIp: string, now = new Date()): Promise<SubscribeResult> {
  const checked = checkEmail(rawEmail);
  if (!checked.ok) return { ok: false, field: 'email', error: checked.error };
  if (!choice.all && choice.components.length + choice.groups.length === 0) return { ok: false, field: 'components', error: 'no_component' };
  const resolved = await resolveChoice(choice);
  if (!resolved) return { ok: false, field: 'components', error: 'unknown_component' };

  const email = checked.email;
  const ipOk = await allowHit(`subscribe:ip:${clientIp}`, env.SUBSCRIBE_LIMIT_PER_IP_PER_HOUR, 3600, now);
  const addressOk = ipOk && (await allowHit(`subscribe:address:${addressKey(email)}`, env.SUBSCRIBE_LIMIT_PER_ADDRESS_PER_HOUR, 3600, now));
  if (!ipOk || !addressOk) return { ok: false, field: 'form', error: 'rate_limited' };

  const existing = await db.subscriber.findUnique({ where: { email } });
  const coolingDown = existing?.confirmSentAt && now.getTime() - existing.confirmSentAt.getTime() < env.NOTICE_CONFIRM_COOLDOWN_SECONDS * 1000;
  if (coolingDown) return { ok: true, mail: null };

  if (existing?.status === 'active') {
    // Someone else may be typing this address: change nothing, remind the owner how to manage it.
    await db.subscriber.update({ where: { id: existing.id }, data: { confirmSentAt: now } });
    const links = subscriberLinks(existing.id, existing.tokenVersion, existing.lang as Lang);
    return { ok: true, mail: composeDirectMail(alreadySubscribedMail(existing.lang as Lang, links.manage), existing.lang as Lang, email) };
  }

  const token = randomToken();
  const confirmation = { confirmTokenHash: hashToken(token), confirmExpiresAt: new Date(now.getTime() + env.NOTICE_CONFIRM_TTL_HOURS * 3600_000), confirmSentAt: now };
  if (existing) {
    await db.subscriber.update({ where: { id: existing.id }, data: { ...confirmation, lang: choice.lang, status: 'pending', ...choiceWrites(resolved) } });
  } else {
    await db.subscriber.create({
      data: {
        email,
        lang: choice.lang,
        status: 'pending',
        ...confirmation,
        allComponents: resolved.all,
        components: { create: resolved.componentIds.map((componentId) => ({ componentId })) },
        groups: { create: resolved.groupIds.map((groupId) => ({ groupId })) },
      },
    });
  }
  return { ok: true, mail: composeDirectMail(confirmationMail(choice.lang, token), choice.lang, email) };
}

export type ConfirmationState = 'pending' | 'confirmed' | 'expired' | 'invalid';

export type ConfirmResult = { ok: true; manageToken: string; lang: Lang } | { ok: false; error: 'invalid' | 'expired' | 'already_confirmed' };

// A confirmation link works once, on a POST (the page's button): mail scanners open links, so
// opening it changes nothing. Its hash stays on the row after use, with confirmExpiresAt cleared,
// so that the link still says "already confirmed" afterwards; a new request or unsubscribing
// replaces or clears it.

async function subscriberForConfirmation(token: string) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  return db.subscriber.findUnique({ where: { confirmTokenHash: hashToken(token) } });
}

function stateOf(subscriber: { status: string; confirmExpiresAt: Date | null } | null, now: Date): ConfirmationState {
  if (!subscriber) return 'invalid';
  if (subscriber.status !== 'pending' && !subscriber.confirmExpiresAt) return 'confirmed';
  if (!subscriber.confirmExpiresAt || subscriber.confirmExpiresAt < now) return 'expired';
  return 'pending';
}

/** What a confirmation link stands for, without using it. */
export async function confirmationState(token: string, now = new Date()): Promise<ConfirmationState> {
  return stateOf(await subscriberForConfirmation(token), now);
}

export async function confirmSubscription(token: string, now = new Date()): Promise<ConfirmResult> {
  const subscriber = await subscriberForConfirmation(token);
  const state = stateOf(subscriber, now);
  if (state === 'confirmed') return { ok: false, error: 'already_confirmed' };
  if (state !== 'pending' || !subscriber) return { ok: false, error: state === 'expired' ? 'expired' : 'invalid' };
  // Only a row still pending on this link is updated: of two simultaneous presses, one confirms.
  const { count } = await db.subscriber.updateMany({
    where: { id: subscriber.id, confirmTokenHash: subscriber.confirmTokenHash, confirmExpiresAt: { not: null } },
    data: { status: 'active', confirmedAt: now, confirmExpiresAt: null, hardBounces: 0, unsubscribedAt: null },
  });
  if (count !== 1) return { ok: false, error: stateOf(await subscriberForConfirmation(token), now) === 'confirmed' ? 'already_confirmed' : 'invalid' };
  return { ok: true, manageToken: signManageToken(subscriber.id, subscriber.tokenVersion), lang: subscriber.lang as Lang };
}

export interface SubscriptionDto {
  email: string;
  lang: Lang;
  status: string;
  all: boolean;
  componentSlugs: string[];
  groupSlugs: string[];
}

async function subscriberForToken(token: string) {
  const claim = verifyManageToken(token);
  if (!claim) return null;
  const subscriber = await db.subscriber.findUnique({ where: { id: claim.id } });
  if (!subscriber || subscriber.tokenVersion !== claim.version) return null;
  return subscriber;
}

export async function getSubscription(token: string): Promise<SubscriptionDto | null> {
  const subscriber = await subscriberForToken(token);
  if (!subscriber) return null;
  const [components, groups] = await Promise.all([
    db.subscriberComponent.findMany({ where: { subscriberId: subscriber.id }, select: { component: { select: { slug: true } } } }),
    db.subscriberGroup.findMany({ where: { subscriberId: subscriber.id }, select: { group: { select: { slug: true } } } }),
  ]);
  return {
    email: subscriber.email,
    lang: subscriber.lang as Lang,
    status: subscriber.status,
    all: subscriber.allComponents,
    componentSlugs: components.map((c) => c.component.slug),
    groupSlugs: groups.map((g) => g.group.slug),
  };
}

export async function updateSubscription(token: string, choice: SubscriptionChoice): Promise<{ ok: true } | { ok: false; error: 'invalid' | 'unknown_component' | 'no_component' }> {
  const subscriber = await subscriberForToken(token);
  if (!subscriber || subscriber.status === 'unsubscribed') return { ok: false, error: 'invalid' };
  if (!choice.all && choice.components.length + choice.groups.length === 0) return { ok: false, error: 'no_component' };
  const resolved = await resolveChoice(choice);
  if (!resolved) return { ok: false, error: 'unknown_component' };
  await db.subscriber.update({ where: { id: subscriber.id }, data: { lang: choice.lang, ...choiceWrites(resolved) } });
  return { ok: true };
}

/**
 * Where a plain GET of the List-Unsubscribe URL leads: the page that asks first, on SITE_URL (never
 * the Host the request came with), in the subscriber's language (Japanese for an unknown link).
 */
export async function unsubscribePageUrl(token: string): Promise<string> {
  const lang = ((await subscriberForToken(token))?.lang ?? DEFAULT_LANG) as Lang;
  return new URL(`${localePath(lang, '/unsubscribe')}?token=${encodeURIComponent(token)}`, env.SITE_URL).toString();
}

/** Stops every notice at once, including copies already queued. Idempotent. */
export async function unsubscribe(token: string, now = new Date()): Promise<boolean> {
  const subscriber = await subscriberForToken(token);
  if (!subscriber) return false;
  await db.$transaction([
    db.subscriber.update({ where: { id: subscriber.id }, data: { status: 'unsubscribed', unsubscribedAt: subscriber.unsubscribedAt ?? now, confirmTokenHash: null } }),
    db.noticeDelivery.updateMany({ where: { subscriberId: subscriber.id, status: 'pending' }, data: { status: 'skipped', lastError: 'unsubscribed' } }),
  ]);
  return true;
}
