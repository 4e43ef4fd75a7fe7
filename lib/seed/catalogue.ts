// The hosting provider's components, created on an empty database. Modelled on the services
// named in the 2014 report (mail reception and sending, the SPAM and virus checks, shared and
// dedicated servers, VPS).
export interface CatalogueGroup {
  slug: string;
  nameJa: string;
  nameEn: string;
  components: CatalogueComponent[];
}

export interface CatalogueRule {
  /** mail_delay: the flow's late mail (lib/metrics/signals.ts); scan_bypass: mail delivered unscanned. */
  metric: 'mail_delay' | 'scan_bypass';
  flow: 'inbound' | 'outbound';
  /** Thresholds in seconds (mail_delay); a scan_bypass rule names its level itself. */
  degradedAboveS: number;
  partialAboveS: number;
  majorAboveS: number;
  enterWindows?: number;
  leaveAfterS?: number;
}

export interface CatalogueComponent {
  slug: string;
  /** The metric rule that drives the component's status, if any. */
  rule?: CatalogueRule;
  nameJa: string;
  nameEn: string;
  descriptionJa: string;
  descriptionEn: string;
}

export const CATALOGUE: CatalogueGroup[] = [
  {
    slug: 'mail',
    nameJa: 'メール',
    nameEn: 'Mail',
    components: [
      // Late mail (the window's p95, and never fewer than 5 messages) over 5 minutes → degraded,
      // over 30 → partial outage, over 60 → major outage. Inbound judged by message, outbound by
      // destination: one unreachable domain is not an outage of ours.
      { rule: { metric: 'mail_delay', flow: 'inbound', degradedAboveS: 300, partialAboveS: 1800, majorAboveS: 3600 }, slug: 'mail-inbound', nameJa: 'メール受信', nameEn: 'Mail reception', descriptionJa: '外部から届くメールの受信と配送', descriptionEn: 'Receiving and delivering mail from outside' },
      { rule: { metric: 'mail_delay', flow: 'outbound', degradedAboveS: 300, partialAboveS: 1800, majorAboveS: 3600 }, slug: 'mail-outbound', nameJa: 'メール送信', nameEn: 'Mail sending', descriptionJa: 'お客様からのメール送信(SMTP)', descriptionEn: 'Sending mail from your accounts (SMTP)' },
      // Mail delivered without the spam check (breaker or staff): a partial outage at once, cleared
      // at the first window scanned again, so the note's "resumed at" is the time it resumed (the
      // MTA's breaker itself holds a bypass for at least MTA_SCAN_AUTO_MIN_BYPASS_S, so no flapping).
      { rule: { metric: 'scan_bypass', flow: 'inbound', degradedAboveS: 0, partialAboveS: 0, majorAboveS: 0, enterWindows: 1, leaveAfterS: 10 }, slug: 'spam-check', nameJa: 'SPAMチェック', nameEn: 'Spam check', descriptionJa: '迷惑メールの判定と件名表示', descriptionEn: 'Spam scoring and subject tagging' },
      { slug: 'virus-check', nameJa: 'ウイルスチェック', nameEn: 'Virus check', descriptionJa: '受信メールのウイルス検査', descriptionEn: 'Virus scanning of incoming mail' },
      { slug: 'webmail', nameJa: 'Webメール', nameEn: 'Webmail', descriptionJa: 'ブラウザからのメール閲覧', descriptionEn: 'Reading mail in the browser' },
    ],
  },
  {
    slug: 'hosting',
    nameJa: 'サーバー',
    nameEn: 'Servers',
    components: [
      { slug: 'shared-hosting', nameJa: '共用サーバー', nameEn: 'Shared hosting', descriptionJa: '共用レンタルサーバー', descriptionEn: 'Shared web hosting' },
      { slug: 'dedicated-server', nameJa: '専用サーバー', nameEn: 'Dedicated servers', descriptionJa: 'マネージド専用サーバー', descriptionEn: 'Managed dedicated servers' },
      { slug: 'vps', nameJa: 'VPS', nameEn: 'VPS', descriptionJa: '仮想専用サーバー', descriptionEn: 'Virtual private servers' },
    ],
  },
  {
    slug: 'platform',
    nameJa: '管理・ネットワーク',
    nameEn: 'Management and network',
    components: [
      { slug: 'control-panel', nameJa: 'コントロールパネル', nameEn: 'Control panel', descriptionJa: 'お客様向け管理画面', descriptionEn: 'Customer control panel' },
      { slug: 'dns', nameJa: 'DNS', nameEn: 'DNS', descriptionJa: 'ネームサーバー', descriptionEn: 'Name servers' },
    ],
  },
];

export const CATALOGUE_SLUGS: string[] = CATALOGUE.flatMap((g) => g.components.map((c) => c.slug));
