'use server';

import { after } from 'next/server';
import { z } from 'zod';
import { isLang, type Lang } from '@/lib/i18n/locales';
import type { SubscribeErrorCode } from '@/lib/i18n/subscribe-messages';
import { sharedTransport } from '@/lib/smtp/transport';
import { requestSubscription } from '@/lib/subscribers/subscribe';
import { choiceFromForm, MAX_ADDRESS } from '@/lib/subscribers/validation';
import { webhookFormat, type WebhookFormat } from '@/lib/chat/formats';
import { registerWebhook } from '@/lib/webhooks/register';
import { allowHit } from '@/lib/subscribers/rate-limit';
import { env } from '@/lib/env';
import { clientIp } from '@/lib/http/client-address';

export interface SubscribeFormState {
  status: 'idle' | 'sent' | 'error';
  errors: { email?: SubscribeErrorCode; components?: SubscribeErrorCode; form?: SubscribeErrorCode };
  email: string;
}

// Anything longer than this is not an address with a few spaces around it: refuse before parsing.
const formSchema = z.object({ email: z.string().max(MAX_ADDRESS * 4), lang: z.string() });

function formLang(form: FormData): Lang {
  const lang = String(form.get('lang') ?? '');
  return isLang(lang) ? lang : 'ja';
}

export async function subscribeAction(_previous: SubscribeFormState, form: FormData): Promise<SubscribeFormState> {
  const parsed = formSchema.safeParse({ email: form.get('email') ?? '', lang: form.get('lang') ?? '' });
  if (!parsed.success) return { status: 'error', errors: { email: 'too_long' }, email: '' };
  const email = parsed.data.email;
  const noticeLang = String(form.get('noticeLang') ?? formLang(form));
  const choice = choiceFromForm(form, isLang(noticeLang) ? noticeLang : formLang(form));
  if (!choice) return { status: 'error', errors: { components: 'unknown_component' }, email };

  const result = await requestSubscription(email, choice, await clientIp());
  if (!result.ok) return { status: 'error', errors: { [result.field]: result.error }, email };
  // The answer is the same whether a mail goes out or not; sending happens after it.
  if (result.mail) {
    const mail = result.mail;
    after(() => sharedTransport().sendMail(mail).catch((error) => console.error('subscribe: could not send the confirmation mail:', error)));
  }
  return { status: 'sent', errors: {}, email: '' };
}

export interface WebhookFormState {
  status: 'idle' | 'registered' | 'error';
  errors: { url?: SubscribeErrorCode | 'not_platform_url'; components?: SubscribeErrorCode; form?: SubscribeErrorCode };
  url: string;
  format: WebhookFormat;
  /** Statuspage's format only: chat messages are not signed. */
  secret?: string;
  manageToken?: string;
  /** The registered URL with its secret parts masked. */
  shownUrl?: string;
}

export async function registerWebhookAction(_previous: WebhookFormState, form: FormData): Promise<WebhookFormState> {
  const url = String(form.get('url') ?? '');
  const format = webhookFormat(String(form.get('format') ?? 'statuspage'));
  if (url.length > 2000) return { status: 'error', errors: { url: 'invalid_url' }, url: '', format };
  const choice = choiceFromForm(form, String(form.get('noticeLang') ?? formLang(form)));
  if (!choice) return { status: 'error', errors: { components: 'unknown_component' }, url, format };
  if (!(await allowHit(`webhook:ip:${await clientIp()}`, env.SUBSCRIBE_LIMIT_PER_IP_PER_HOUR, 3600))) {
    return { status: 'error', errors: { form: 'rate_limited' }, url, format };
  }
  const result = await registerWebhook(url, choice, new Date(), format);
  if (!result.ok) return { status: 'error', errors: { [result.field]: result.error }, url, format };
  return { status: 'registered', errors: {}, url: '', format, secret: result.secret ?? undefined, manageToken: result.manageToken, shownUrl: result.shownUrl };
}
