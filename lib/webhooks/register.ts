import 'server-only';
import { randomBytes } from 'node:crypto';
import { isChatFormat, isPlatformUrl, maskWebhookUrl, type WebhookFormat } from '../chat/formats';
import { confirmationChatNotice } from '../chat/notice';
import { chatMessageBody } from '../chat/render';
import { db } from '../db';
import { env } from '../env';
import type { Lang } from '../i18n/locales';
import { siteName, siteUrl } from '../site/identity';
import { resolveChoice } from '../subscribers/subscribe';
import { hashToken, randomToken } from '../subscribers/tokens';
import type { SubscriptionChoice } from '../subscribers/validation';
import { checkWebhookUrl, type UrlError } from './url-guard';

// Registering a webhook proves control of the URL, like SNS does: Tayori POSTs a signed
// "subscription_confirmation" with a confirm_url; the endpoint receives nothing else until someone
// POSTs to that URL. The signing secret and the manage token are shown once, at registration.
// A chat channel (Slack, Teams, Discord, Google Chat) cannot answer a POST, so its first message
// is the confirm link for a person in the channel to click: nobody can point notices at a channel
// they cannot read. Its URL must be the platform's own, and is its credential: after registration
// it is only ever shown masked (maskWebhookUrl).

export type RegisterResult =
  /** `secret` is null for a chat channel (its messages are not signed); `shownUrl` is the URL masked. */
  | { ok: true; secret: string | null; manageToken: string; shownUrl: string }
  | { ok: false; field: 'url' | 'components'; error: UrlError | 'not_platform_url' | 'unknown_component' | 'no_component' };

const CONFIRM_TTL_MS = 24 * 3600_000;

export async function registerWebhook(rawUrl: string, choice: SubscriptionChoice, now = new Date(), format: WebhookFormat = 'statuspage'): Promise<RegisterResult> {
  // Loopback is only ever allowed for tests, and then only loopback (standing in for any platform).
  const loopbackForTests = env.WEBHOOK_ALLOW_LOOPBACK && /^https?:\/\/(127\.0\.0\.1|\[::1\])(:\d+)?\//.test(rawUrl);
  if (isChatFormat(format) && !loopbackForTests && !isPlatformUrl(format, rawUrl)) return { ok: false, field: 'url', error: 'not_platform_url' };
  const checked = checkWebhookUrl(rawUrl);
  if (!checked.ok && !(loopbackForTests && checked.error === 'forbidden_address')) return { ok: false, field: 'url', error: checked.error };
  if (!choice.all && choice.components.length + choice.groups.length === 0) return { ok: false, field: 'components', error: 'no_component' };
  const resolved = await resolveChoice(choice);
  if (!resolved) return { ok: false, field: 'components', error: 'unknown_component' };
  // Webhooks follow components; a chosen group means its components at registration time.
  const componentIds = resolved.all
    ? []
    : [...new Set([...resolved.componentIds, ...(await db.component.findMany({ where: { groupId: { in: resolved.groupIds }, archivedAt: null }, select: { id: true } })).map((c) => c.id)])];

  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  const confirmToken = randomToken();
  const manageToken = randomToken();
  const url = new URL(rawUrl.trim()).toString();
  const confirmUrl = siteUrl(`/api/webhooks/confirm?token=${confirmToken}`);
  await db.$transaction(async (tx) => {
    const endpoint = await tx.webhookEndpoint.create({
      data: {
        url,
        secret,
        format,
        lang: choice.lang,
        allComponents: resolved.all,
        confirmTokenHash: hashToken(confirmToken),
        confirmExpiresAt: new Date(now.getTime() + CONFIRM_TTL_MS),
        manageTokenHash: hashToken(manageToken),
        components: { create: componentIds.map((componentId) => ({ componentId })) },
      },
    });
    await tx.webhookDelivery.create({
      data: {
        endpointId: endpoint.id,
        kind: 'confirmation',
        payload: isChatFormat(format)
          ? chatMessageBody(format, confirmationChatNotice(confirmUrl, siteName(choice.lang), choice.lang, now))
          : JSON.stringify({ type: 'subscription_confirmation', endpoint_id: endpoint.id, confirm_url: confirmUrl, message: confirmationMessage(choice.lang) }),
      },
    });
  });
  return { ok: true, secret: isChatFormat(format) ? null : secret, manageToken, shownUrl: maskWebhookUrl(url) };
}

function confirmationMessage(lang: Lang): string {
  return lang === 'ja'
    ? 'このURLへの通知を有効にするには confirm_url にPOSTしてください(ブラウザで開いてボタンを押しても構いません)。'
    : 'POST to confirm_url to start receiving notifications at this URL (or open it in a browser and press the button).';
}

// Chat unfurlers and scanners fetch URLs they see, so confirm_url activates on a POST only, like
// a subscriber's confirmation link. The token's hash stays after use (confirmExpiresAt cleared), so
// a repeated POST answers "already_confirmed".

export type WebhookConfirmation = 'pending' | 'already_confirmed' | 'expired' | 'invalid';

async function endpointForConfirmation(token: string) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  return db.webhookEndpoint.findUnique({ where: { confirmTokenHash: hashToken(token) } });
}

function stateOf(endpoint: { status: string; confirmExpiresAt: Date | null } | null, now: Date): WebhookConfirmation {
  if (!endpoint) return 'invalid';
  if (endpoint.status !== 'pending' && !endpoint.confirmExpiresAt) return 'already_confirmed';
  if (!endpoint.confirmExpiresAt || endpoint.confirmExpiresAt < now) return 'expired';
  return 'pending';
}

/** What a confirm_url stands for, and the endpoint's language, without using it. */
export async function webhookConfirmationState(token: string, now = new Date()): Promise<{ state: WebhookConfirmation; lang: Lang }> {
  const endpoint = await endpointForConfirmation(token);
  return { state: stateOf(endpoint, now), lang: endpoint?.lang === 'en' ? 'en' : 'ja' };
}

export async function confirmWebhook(token: string, now = new Date()): Promise<{ result: 'confirmed' | Exclude<WebhookConfirmation, 'pending'>; lang: Lang }> {
  const endpoint = await endpointForConfirmation(token);
  const lang: Lang = endpoint?.lang === 'en' ? 'en' : 'ja';
  const state = stateOf(endpoint, now);
  if (state !== 'pending' || !endpoint) return { result: state === 'pending' ? 'invalid' : state, lang };
  const { count } = await db.webhookEndpoint.updateMany({
    where: { id: endpoint.id, confirmTokenHash: endpoint.confirmTokenHash, confirmExpiresAt: { not: null } },
    data: { status: 'active', confirmedAt: now, confirmExpiresAt: null },
  });
  if (count === 1) return { result: 'confirmed', lang };
  return { result: stateOf(await endpointForConfirmation(token), now) === 'already_confirmed' ? 'already_confirmed' : 'invalid', lang };
}

/** Removes an endpoint and everything queued for it. */
export async function removeWebhook(manageToken: string): Promise<boolean> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(manageToken)) return false;
  const { count } = await db.webhookEndpoint.deleteMany({ where: { manageTokenHash: hashToken(manageToken) } });
  return count > 0;
}
