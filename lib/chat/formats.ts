// The body shapes a webhook endpoint can take (WebhookEndpoint.format): Statuspage's signed JSON, or
// one chat platform's incoming-webhook message. A chat URL is the platform's own address, checked
// here against what each platform hands out, before the SSRF guard (lib/webhooks/url-guard.ts)
// checks it like any webhook URL.

export const CHAT_FORMATS = ['slack', 'teams', 'discord', 'google_chat'] as const;
export type ChatFormat = (typeof CHAT_FORMATS)[number];
export const WEBHOOK_FORMATS = ['statuspage', ...CHAT_FORMATS] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export function isWebhookFormat(value: unknown): value is WebhookFormat {
  return (WEBHOOK_FORMATS as readonly unknown[]).includes(value);
}

export function isChatFormat(value: unknown): value is ChatFormat {
  return (CHAT_FORMATS as readonly unknown[]).includes(value);
}

/** A stored format that is not known (a newer version's row) is treated as Statuspage's. */
export function webhookFormat(value: string | null | undefined): WebhookFormat {
  return isWebhookFormat(value) ? value : 'statuspage';
}

// What each platform's "add an incoming webhook" screen gives out:
// - Slack: https://hooks.slack.com/services/T…/B…/<secret> (https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks)
// - Discord: https://discord.com/api/webhooks/<id>/<token> (discordapp.com and the ptb/canary hosts are the same API)
// - Google Chat: https://chat.googleapis.com/v1/spaces/<space>/messages?key=…&token=… (https://developers.google.com/workspace/chat/quickstart/webhooks)
// - Teams: an Office 365 connector (https://<tenant>.webhook.office.com/webhookb2/…) or a Workflows
//   "post to a channel when a webhook request is received" URL (https://prod-NN.<region>.logic.azure.com/workflows/…,
//   or, for flows created since 2025, https://<env>.environment.api.powerplatform.com/powerautomate/…).
const PLATFORM_URLS: Record<ChatFormat, (url: URL) => boolean> = {
  slack: (u) => u.hostname === 'hooks.slack.com' && /^\/services\/[A-Z0-9]+\/[A-Z0-9]+\/[A-Za-z0-9]+\/?$/.test(u.pathname),
  discord: (u) =>
    /^(?:(?:ptb|canary)\.)?discord(?:app)?\.com$/.test(u.hostname) && /^\/api(?:\/v\d+)?\/webhooks\/\d+\/[A-Za-z0-9_-]+\/?$/.test(u.pathname),
  google_chat: (u) =>
    u.hostname === 'chat.googleapis.com' && /^\/v1\/spaces\/[A-Za-z0-9_-]+\/messages$/.test(u.pathname) && u.searchParams.has('key') && u.searchParams.has('token'),
  teams: (u) =>
    (/^[a-z0-9-]+\.webhook\.office\.com$/.test(u.hostname) && u.pathname.startsWith('/webhookb2/')) ||
    (/^prod-\d+\.[a-z0-9]+\.logic\.azure\.com$/.test(u.hostname) && u.pathname.startsWith('/workflows/')) ||
    (/^[a-z0-9-]+\.[a-z0-9]+\.environment\.api\.powerplatform\.com$/.test(u.hostname) && u.pathname.startsWith('/powerautomate/')),
};

/** True when `raw` is an https URL of the kind the platform hands out for an incoming webhook. */
export function isPlatformUrl(format: ChatFormat, raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username || url.password || (url.port && url.port !== '443')) return false;
  return PLATFORM_URLS[format](url);
}

const PATH_WORDS = new Set(['services', 'api', 'webhooks', 'spaces', 'messages', 'webhookb2', 'IncomingWebhook', 'workflows', 'triggers', 'manual', 'paths', 'invoke', 'powerautomate', 'automations', 'direct']);

/**
 * A webhook URL with its secret parts replaced, for anything a person or a log may see again:
 * https://hooks.slack.com/services/T…/B…/****. Chat URLs carry their credential in the path or
 * the query, so only the host and the path's fixed words are kept.
 */
export function maskWebhookUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '****';
  }
  const segments = url.pathname.split('/').filter(Boolean);
  // The path's fixed words stay; an identifier shows its first character, the last segment (the
  // token, when it is not a fixed word) and every query value show nothing.
  const shown = segments.map((s, i) => (PATH_WORDS.has(s) || /^v\d+(\.\d+)?$/.test(s) ? s : i === segments.length - 1 ? '****' : `${s[0]}…`));
  const query = [...url.searchParams.keys()].map((k) => `${k}=****`).join('&');
  return `${url.protocol}//${url.host}/${shown.join('/')}${query ? `?${query}` : ''}`;
}
