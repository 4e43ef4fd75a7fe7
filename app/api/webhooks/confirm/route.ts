import { NO_STORE } from '@/lib/http/cache-control';
import type { Lang } from '@/lib/i18n/locales';
import { confirmWebhook, webhookConfirmationState, type WebhookConfirmation } from '@/lib/webhooks/register';

// The confirm_url sent to a newly registered webhook. A POST activates the endpoint (a receiver's
// code, or the button below); a GET changes nothing, since chat unfurlers and link scanners fetch
// every URL they see: a person who opens it gets a page with that button.

const STATUS: Record<'confirmed' | WebhookConfirmation, number> = { confirmed: 200, already_confirmed: 200, pending: 200, expired: 410, invalid: 404 };

const WORDS: Record<Lang, { title: string; pending: string; button: string; confirmed: string; already_confirmed: string; expired: string; invalid: string }> = {
  ja: {
    title: 'Webhookの確認',
    pending: 'このURLへの通知を有効にするには、ボタンを押してください。',
    button: 'Webhookを有効にする',
    confirmed: 'Webhookを有効にしました。',
    already_confirmed: 'このWebhookはすでに有効です。',
    expired: 'このリンクは有効期限が切れています。もう一度登録してください。',
    invalid: 'このリンクは無効です。',
  },
  en: {
    title: 'Confirm the webhook',
    pending: 'Press the button to start receiving notifications at this URL.',
    button: 'Activate the webhook',
    confirmed: 'The webhook is active.',
    already_confirmed: 'This webhook is already active.',
    expired: 'This link has expired. Please register again.',
    invalid: 'This link is not valid.',
  },
};

function page(lang: Lang, state: 'confirmed' | WebhookConfirmation): Response {
  const t = WORDS[lang];
  // No inline script or style: the site's Content-Security-Policy applies here too. The form
  // posts to this same URL, token included.
  const body =
    state === 'pending'
      ? `<p>${t.pending}</p><form method="post"><button type="submit">${t.button}</button></form>`
      : `<p role="${state === 'confirmed' || state === 'already_confirmed' ? 'status' : 'alert'}">${t[state]}</p>`;
  const html = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="robots" content="noindex"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${t.title}</title></head><body><main><h1>${t.title}</h1>${body}</main></body></html>`;
  return new Response(html, { status: STATUS[state], headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': NO_STORE } });
}

const tokenOf = (request: Request) => (new URL(request.url).searchParams.get('token') ?? '').slice(0, 200);

export async function GET(request: Request) {
  const { state, lang } = await webhookConfirmationState(tokenOf(request));
  return page(lang, state);
}

export async function POST(request: Request) {
  const { result, lang } = await confirmWebhook(tokenOf(request));
  // A browser's form post reads the answer as a page; a receiver's code gets JSON.
  if ((request.headers.get('accept') ?? '').includes('text/html')) return page(lang, result);
  return Response.json({ result }, { status: STATUS[result], headers: { 'Cache-Control': NO_STORE } });
}
