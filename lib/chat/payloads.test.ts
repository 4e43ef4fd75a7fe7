import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { discordMessage } from './discord';
import { googleChatMessage } from './google-chat';
import { confirmationChatNotice, incidentChatNotice, maintenanceChatNotice, type ChatNotice, type IncidentChatInput } from './notice';
import { slackMessage } from './slack';
import { teamsMessage } from './teams';

// Every platform's message for the same notices, checked against the platform's published schema
// (Adaptive Cards) or a schema written from its documentation (Slack, Discord, Google Chat), with
// the limits the documentation gives. The notices include the awkward cases: a body far over every
// limit, markup and HTML in titles and bodies, Japanese text, surrogate pairs at the cut.

// Slack Block Kit, from https://docs.slack.dev/reference/block-kit/blocks (header, section, context,
// actions), https://docs.slack.dev/reference/block-kit/composition-objects/text-object and
// https://docs.slack.dev/reference/block-kit/block-elements/button-element: header text is
// plain_text of at most 150 characters; section text at most 3000; context at most 10 elements;
// a button's text plain_text of at most 75, its url at most 3000, action_id at most 255; a
// message at most 50 blocks.
const plainText = (max: number) => z.strictObject({ type: z.literal('plain_text'), text: z.string().min(1).max(max), emoji: z.boolean().optional() });
const textObject = (max: number) => z.union([plainText(max), z.strictObject({ type: z.literal('mrkdwn'), text: z.string().min(1).max(max), verbatim: z.boolean().optional() })]);
const slackBlock = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('header'), text: plainText(150), block_id: z.string().max(255).optional() }),
  z.strictObject({ type: z.literal('section'), text: textObject(3000), block_id: z.string().max(255).optional() }),
  z.strictObject({ type: z.literal('context'), elements: z.array(textObject(3000)).min(1).max(10), block_id: z.string().max(255).optional() }),
  z.strictObject({
    type: z.literal('actions'),
    elements: z
      .array(
        z.strictObject({
          type: z.literal('button'),
          text: plainText(75),
          action_id: z.string().max(255),
          url: z.string().url().max(3000),
          style: z.enum(['primary', 'danger']).optional(),
        }),
      )
      .min(1)
      .max(25),
  }),
]);
const slackSchema = z.strictObject({ text: z.string().min(1), blocks: z.array(slackBlock).min(1).max(50) });

// Discord's execute-webhook body with embeds, from https://discord.com/developers/docs/resources/webhook#execute-webhook
// and https://discord.com/developers/docs/resources/message#embed-object (limits: title 256,
// description 4096, 25 fields, field name 256 and value 1024, footer 2048, 6000 in all).
const discordSchema = z.strictObject({
  content: z.string().max(2000).optional(),
  allowed_mentions: z.strictObject({ parse: z.array(z.enum(['roles', 'users', 'everyone'])) }),
  embeds: z
    .array(
      z.strictObject({
        title: z.string().min(1).max(256),
        url: z.string().url(),
        description: z.string().max(4096),
        color: z.number().int().min(0).max(0xffffff),
        fields: z.array(z.strictObject({ name: z.string().min(1).max(256), value: z.string().min(1).max(1024), inline: z.boolean().optional() })).max(25),
        timestamp: z.iso.datetime(),
        footer: z.strictObject({ text: z.string().min(1).max(2048) }),
      }),
    )
    .min(1)
    .max(10),
});
type DiscordEmbed = z.infer<typeof discordSchema>['embeds'][number];
const embedCharacters = (e: DiscordEmbed) => e.title.length + e.description.length + e.footer.text.length + e.fields.reduce((n, f) => n + f.name.length + f.value.length, 0);

// Google Chat cardsV2, from https://developers.google.com/workspace/chat/api/reference/rest/v1/cards
// (Card, CardHeader, Section, Widget: textParagraph, decoratedText, buttonList with
// onClick.openLink) and the webhook quickstart (a message with text and cardsV2). A card holds at
// most 100 widgets.
const chatWidget = z.union([
  z.strictObject({ textParagraph: z.strictObject({ text: z.string().min(1), maxLines: z.number().int().optional() }) }),
  z.strictObject({ decoratedText: z.strictObject({ topLabel: z.string().optional(), text: z.string().min(1), bottomLabel: z.string().optional(), wrapText: z.boolean().optional() }) }),
  z.strictObject({ buttonList: z.strictObject({ buttons: z.array(z.strictObject({ text: z.string().min(1), onClick: z.strictObject({ openLink: z.strictObject({ url: z.string().url() }) }) })).min(1) }) }),
]);
const googleChatSchema = z.strictObject({
  text: z.string().min(1),
  cardsV2: z
    .array(
      z.strictObject({
        cardId: z.string().min(1),
        card: z.strictObject({
          header: z.strictObject({ title: z.string().min(1), subtitle: z.string().optional() }),
          sections: z.array(z.strictObject({ header: z.string().optional(), widgets: z.array(chatWidget).min(1) })).min(1),
        }),
      }),
    )
    .min(1),
});

// Teams: the published Adaptive Card schema (draft-06; ajv 8 reads its `id` as `$id`).
const { id: schemaId, ...adaptiveSchema } = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../tests/fixtures/adaptive-cards/adaptive-card-1.5.json'), 'utf8'));
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addMetaSchema(draft06);
addFormats(ajv);
const validateCard = ajv.compile({ ...adaptiveSchema, $id: schemaId });
const teamsEnvelope = z.strictObject({
  type: z.literal('message'),
  attachments: z.array(z.strictObject({ contentType: z.literal('application/vnd.microsoft.card.adaptive'), contentUrl: z.null(), content: z.record(z.string(), z.unknown()) })).length(1),
});

const huge = `${'障害の詳細 😀 '.repeat(2000)}`;
const hostileTitle = 'メール <script>alert(1)</script> & "配送" *遅延* @everyone';
const incident = (over: Partial<IncidentChatInput> = {}): IncidentChatInput => ({
  kind: 'incident_opened',
  title: { ja: 'メール受信の遅延', en: 'Inbound mail delay' },
  status: 'investigating',
  impact: 'major',
  components: [
    { name: { ja: 'メール受信', en: 'Inbound mail' }, status: 'degraded_performance' },
    { name: { ja: 'Webメール', en: 'Webmail' }, status: 'partial_outage' },
  ],
  body: { ja: '**受信**に遅延が発生しています。<img src=x onerror=alert(1)>\n\n- 原因を調査中\n- [詳細](https://status.example.jp/x)', en: 'Inbound mail is **delayed**. <b>bold</b>' },
  at: new Date('2026-12-06T03:00:00Z'),
  url: { ja: 'https://status.example.jp/incidents/2026-12-06-mail', en: 'https://status.example.jp/en/incidents/2026-12-06-mail' },
  siteName: { ja: 'Tayori ステータス', en: 'Tayori Status' },
  ...over,
});
const maintenance = (lang: 'ja' | 'en') =>
  maintenanceChatNotice(
    {
      kind: 'maintenance_announced',
      title: { ja: 'DNS サーバーの入れ替え', en: 'DNS server replacement' },
      startsAt: new Date('2026-12-10T17:00:00Z'),
      endsAt: new Date('2026-12-10T19:00:00Z'),
      components: [{ name: { ja: 'DNS', en: 'DNS' } }],
      body: { ja: '作業中は数分間応答が遅くなる場合があります。', en: 'Answers may be slow for a few minutes.' },
      url: { ja: 'https://status.example.jp/maintenance/x', en: 'https://status.example.jp/en/maintenance/x' },
      siteName: { ja: 'Tayori ステータス', en: 'Tayori Status' },
      timeZone: 'Asia/Tokyo',
    },
    lang,
    new Date('2026-12-06T00:00:00Z'),
  );

const NOTICES: [string, ChatNotice][] = [
  ['incident opened (ja)', incidentChatNotice(incident(), 'ja')],
  ['incident opened (en)', incidentChatNotice(incident(), 'en')],
  ['resolved, no components', incidentChatNotice(incident({ kind: 'incident_resolved', status: 'resolved', components: [] }), 'en')],
  ['huge body and hostile title', incidentChatNotice(incident({ title: { ja: hostileTitle.repeat(20), en: hostileTitle.repeat(20) }, body: { ja: huge, en: huge } }), 'ja')],
  ['empty body', incidentChatNotice(incident({ kind: 'incident_update', body: { ja: '', en: '' } }), 'ja')],
  [
    'many components',
    incidentChatNotice(incident({ components: Array.from({ length: 60 }, (_, i) => ({ name: { ja: `サーバー${i} ${'長い名前'.repeat(10)}`, en: `Server ${i}` }, status: 'major_outage' as const })) }), 'ja'),
  ],
  ['maintenance (ja)', maintenance('ja')],
  ['maintenance (en)', maintenance('en')],
  ['confirmation (ja)', confirmationChatNotice('https://status.example.jp/api/webhooks/confirm?token=abc', 'Tayori ステータス', 'ja')],
];

describe.each(NOTICES)('chat messages: %s', (_name, notice) => {
  it('Slack: Block Kit within the documented limits', () => {
    const message = slackMessage(notice);
    expect(slackSchema.safeParse(message).error?.issues ?? []).toEqual([]);
    expect(message.blocks.map((b) => (b as { type: string }).type)).toEqual(notice.body.trim() ? ['header', 'section', 'context', 'actions'] : ['header', 'context', 'actions']);
  });

  it('Teams: an Adaptive Card the published schema accepts', () => {
    const message = teamsMessage(notice);
    expect(teamsEnvelope.safeParse(message).error?.issues ?? []).toEqual([]);
    const card = message.attachments[0]!.content;
    const valid = validateCard(card);
    expect(validateCard.errors ?? [], JSON.stringify(validateCard.errors?.slice(0, 3))).toEqual([]);
    expect(valid).toBe(true);
    expect(card.version).toBe('1.4');
    expect(card.actions).toEqual([expect.objectContaining({ type: 'Action.OpenUrl', url: notice.link.url })]);
  });

  it('Discord: one embed within every documented limit, 6000 characters in all', () => {
    const message = discordMessage(notice);
    expect(discordSchema.safeParse(message).error?.issues ?? []).toEqual([]);
    expect(embedCharacters(message.embeds[0]!)).toBeLessThanOrEqual(6000);
    // The link survives any truncation.
    expect(message.embeds[0]!.description).toContain(`(${notice.link.url})`);
  });

  it('Google Chat: a cardsV2 card as documented', () => {
    const message = googleChatMessage(notice);
    expect(googleChatSchema.safeParse(message).error?.issues ?? []).toEqual([]);
    expect(message.cardsV2[0]!.card.sections.flatMap((s) => s.widgets).length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(message).length).toBeLessThan(32_000);
  });

  // Titles are plain text, shown as typed where the platform takes plain text (Slack's header,
  // Discord's title); the HTML in the bodies' markdown is dropped by the one pipeline.
  it('never carries HTML from the markdown, and cuts no character in half', () => {
    for (const body of [slackMessage(notice), teamsMessage(notice), discordMessage(notice), googleChatMessage(notice)].map((m) => JSON.stringify(m))) {
      expect(body).not.toMatch(/<(img|b)\b/i);
      expect(body).not.toMatch(/\\ud83d(?!\\ude00)/i); // a lone high surrogate of 😀
    }
  });
});

describe('chat messages: the checks themselves', () => {
  it('refuse what the platforms would refuse', () => {
    const card = teamsMessage(NOTICES[0]![1]).attachments[0]!.content;
    expect(validateCard({ ...card, body: [{ type: 'TextBlock', text: 'x', color: 'red' }] })).toBe(false);
    expect(validateCard({ ...card, body: [{ type: 'Paragraph', text: 'x' }] })).toBe(false);
    expect(validateCard({ ...card, actions: [{ type: 'Action.OpenUrl', title: 'x' }] })).toBe(false);
    expect(slackSchema.safeParse({ text: 'x', blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'x' } }] }).success).toBe(false);
    expect(slackSchema.safeParse({ text: 'x', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }] }).success).toBe(false);
    const embed = discordMessage(NOTICES[0]![1]);
    expect(discordSchema.safeParse({ ...embed, embeds: [{ ...embed.embeds[0], title: 'x'.repeat(257) }] }).success).toBe(false);
    expect(googleChatSchema.safeParse({ text: 'x', cardsV2: [{ cardId: 'c', card: { sections: [] } }] }).success).toBe(false);
  });
});

describe('chat messages: wording', () => {
  it('says the same thing on every platform, in the endpoint language, with the same colour and emoji', () => {
    const ja = incidentChatNotice(incident(), 'ja');
    const en = incidentChatNotice(incident(), 'en');
    expect(ja.title).toBe('【障害発生】メール受信の遅延');
    expect(en.title).toBe('[Incident] Inbound mail delay');
    expect(ja.facts).toEqual([
      { label: '状況', value: '調査中' },
      { label: '影響度', value: '重大' },
      { label: '対象サービス', value: 'メール受信 (パフォーマンス低下)、Webメール (一部障害)' },
    ]);
    expect(slackMessage(ja).blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '🟠 【障害発生】メール受信の遅延', emoji: true } });
    expect(discordMessage(ja).embeds[0]!.color).toBe(0xc2410c);
    expect(teamsMessage(ja).attachments[0]!.content.body[0]).toMatchObject({ text: '🟠 【障害発生】メール受信の遅延', color: 'Attention' });
    expect(googleChatMessage(ja).cardsV2[0]!.card.header.title).toBe('🟠 【障害発生】メール受信の遅延');
    expect(incidentChatNotice(incident({ kind: 'incident_resolved', status: 'resolved' }), 'en').tone).toBe('resolved');
  });

  it('turns markdown into plain text and escapes what each platform would read as markup', () => {
    const n = incidentChatNotice(incident({ title: { ja: hostileTitle, en: hostileTitle } }), 'ja');
    expect(n.body).toBe('受信に遅延が発生しています。\n\n- 原因を調査中\n- 詳細 (https://status.example.jp/x)');
    const slack = slackMessage(n);
    expect(slack.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp;');
    const context = (slack.blocks[2] as { elements: { text: string }[] }).elements.map((e) => e.text);
    expect(context[0]).toBe('*状況:* 調査中');
    // Discord: markers escaped outside URLs, mentions never parsed.
    const discord = discordMessage(n);
    expect(discord.embeds[0]!.description).toContain('\\- 詳細 (https://status.example.jp/x)');
    expect(discord.allowed_mentions).toEqual({ parse: [] });
    // Google Chat reads an HTML subset in card text.
    const chat = googleChatMessage(incidentChatNotice(incident({ body: { ja: 'a < b & c', en: '' } }), 'ja'));
    expect(chat.cardsV2[0]!.card.sections[0]!.widgets[0]).toEqual({ textParagraph: { text: 'a &lt; b &amp; c' } });
  });

  it('links the confirmation message to the confirm page, as the only action', () => {
    const n = confirmationChatNotice('https://status.example.jp/api/webhooks/confirm?token=abc', 'Tayori Status', 'en');
    expect(slackMessage(n).blocks.at(-1)).toMatchObject({ elements: [{ url: n.link.url, text: { text: 'Click to start receiving notices' } }] });
    expect(teamsMessage(n).attachments[0]!.content.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Click to start receiving notices', url: n.link.url, style: 'positive' }]);
    expect(discordMessage(n).embeds[0]!.url).toBe(n.link.url);
    expect(JSON.stringify(googleChatMessage(n))).toContain(n.link.url);
  });
});
