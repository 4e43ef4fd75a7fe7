import { markdownToText } from '../content/plain-text';
import { formatDateTime } from '../dates/format';
import { CHAT_WORDS } from '../i18n/chat-messages';
import type { Lang } from '../i18n/locales';
import { messages } from '../i18n/messages';
import { SUBJECT_PREFIX, type NoticeKind } from '../status/notice-kinds';
import type { ComponentStatus, IncidentImpact, IncidentStatus } from '../status/types';
import { toneFor, type Tone } from './tone';

// One notice as every chat platform shows it: a headline, plain text, a few facts and a link, in
// one language. Each platform module (slack.ts, teams.ts, discord.ts, google-chat.ts) lays this
// out in its own message format, so the four never disagree on what they say. Markdown from
// updates and reports becomes plain text through the site's one pipeline (lib/content/plain-text):
// raw HTML is dropped there, and each platform escapes what its own markup would read.

export interface ChatNotice {
  lang: Lang;
  kind: NoticeKind | 'confirmation';
  tone: Tone;
  /** The headline, e.g. 【障害発生】メール受信の遅延. Plain text. */
  title: string;
  /** Plain text, possibly long: each platform truncates to its own limits. */
  body: string;
  facts: { label: string; value: string }[];
  link: { label: string; url: string };
  /** ISO 8601: when what the notice tells happened. */
  at: string;
  /** The site's name, shown as the message's source. */
  footer: string;
}

export interface IncidentChatInput {
  kind: Extract<NoticeKind, `incident_${string}`>;
  title: Record<Lang, string>;
  status: IncidentStatus;
  impact: IncidentImpact;
  /** Components and their status now, in page order. */
  components: { name: Record<Lang, string>; status: ComponentStatus }[];
  /** Markdown of the update (or of the report, for incident_report). */
  body: Record<Lang, string>;
  at: Date;
  url: Record<Lang, string>;
  siteName: Record<Lang, string>;
}

export function incidentChatNotice(input: IncidentChatInput, lang: Lang): ChatNotice {
  const m = messages(lang);
  const facts = [
    { label: CHAT_WORDS.status[lang], value: m.incidentStatus[input.status] ?? input.status },
    { label: CHAT_WORDS.impact[lang], value: m.impact[input.impact] ?? input.impact },
  ];
  if (input.components.length) {
    const sep = lang === 'ja' ? '、' : ', ';
    facts.push({ label: CHAT_WORDS.components[lang], value: input.components.map((c) => `${c.name[lang]} (${m.componentStatus[c.status] ?? c.status})`).join(sep) });
  }
  return {
    lang,
    kind: input.kind,
    tone: toneFor(input.kind, input.impact),
    title: `${SUBJECT_PREFIX[input.kind][lang]}${input.title[lang]}`,
    body: markdownToText(input.body[lang]),
    facts,
    link: { label: CHAT_WORDS.openIncident[lang], url: input.url[lang] },
    at: input.at.toISOString(),
    footer: input.siteName[lang],
  };
}

export interface MaintenanceChatInput {
  kind: Extract<NoticeKind, `maintenance_${string}`>;
  title: Record<Lang, string>;
  startsAt: Date;
  endsAt: Date;
  components: { name: Record<Lang, string> }[];
  body: Record<Lang, string>;
  url: Record<Lang, string>;
  siteName: Record<Lang, string>;
  timeZone: string;
}

export function maintenanceChatNotice(input: MaintenanceChatInput, lang: Lang, now = new Date()): ChatNotice {
  const period = CHAT_WORDS.maintenancePeriod(lang, formatDateTime(input.startsAt, lang, input.timeZone), formatDateTime(input.endsAt, lang, input.timeZone));
  const facts = [{ label: CHAT_WORDS.period[lang], value: period }];
  if (input.components.length) facts.push({ label: CHAT_WORDS.components[lang], value: input.components.map((c) => c.name[lang]).join(lang === 'ja' ? '、' : ', ') });
  return {
    lang,
    kind: input.kind,
    tone: toneFor(input.kind, 'none'),
    title: `${SUBJECT_PREFIX[input.kind][lang]}${input.title[lang]}`,
    body: markdownToText(input.body[lang]),
    facts,
    link: { label: CHAT_WORDS.openMaintenance[lang], url: input.url[lang] },
    at: (input.kind === 'maintenance_announced' ? now : input.kind === 'maintenance_started' ? input.startsAt : input.endsAt).toISOString(),
    footer: input.siteName[lang],
  };
}

/** The first message to a chat channel: a link to the page that confirms it (a POST from its button). */
export function confirmationChatNotice(confirmUrl: string, siteName: string, lang: Lang, now = new Date()): ChatNotice {
  return {
    lang,
    kind: 'confirmation',
    tone: 'info',
    title: CHAT_WORDS.confirmTitle[lang],
    body: CHAT_WORDS.confirmBody[lang],
    facts: [],
    link: { label: CHAT_WORDS.confirmButton[lang], url: confirmUrl },
    at: now.toISOString(),
    footer: siteName,
  };
}
