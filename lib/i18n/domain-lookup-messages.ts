import type { Lang } from './locales';

// Strings of the "delay for my domain" lookup (page and API). The answer for a domain that is not
// measured on its own never says why (unknown, not hosted here, or too little mail): one wording.

/** lib/lookups/domain-name.ts's refusals, and the rate limit's. */
export type DomainLookupError = 'empty' | 'too_long' | 'malformed' | 'rate_limited';

export interface DomainLookupMessages {
  title: string;
  intro: string;
  label: string;
  hint: string;
  submit: string;
  /** The link from the status page, beside the inbound mail charts. */
  statusPageLink: string;
  errors: Record<DomainLookupError, string>;
  ownHeading: (domain: string) => string;
  allHeading: (domain: string) => string;
  /** Why all inbound mail's figures are shown: the same sentence whatever the reason. */
  allExplained: string;
  currentHeading: string;
  p95: (minutes: number) => string;
  noneDelivered: (minutes: number) => string;
  waiting: (count: number, oldest: string) => string;
  nothingWaiting: string;
  late: (delay: string) => string;
  onTime: string;
  incidentOwnConcerned: string;
  incidentOwnNotConcerned: string;
  incidentAll: string;
  noIncident: string;
  incidentLink: string;
  chartTitle: string;
  chartOwn: string;
  chartAll: string;
  queueTitle: string;
}

export function domainLookupMessages(lang: Lang): DomainLookupMessages {
  if (lang === 'ja') {
    return {
      title: 'ドメインごとのメール受信の遅延',
      intro: 'メールを受け取るドメイン名を入力すると、そのドメイン宛てのメールの現在の遅延と今日の推移、発生中の障害がそのドメインに関係するかを表示します。',
      label: 'ドメイン名',
      hint: '例: example.co.jp（完全なドメイン名。日本語ドメインもそのまま入力できます）',
      submit: '表示する',
      statusPageLink: 'ドメインごとの遅延を調べる',
      errors: {
        empty: 'ドメイン名を入力してください。',
        too_long: 'ドメイン名が長すぎます。253文字以内で入力してください。',
        malformed: 'ドメイン名の形式が正しくありません。example.co.jp のように入力してください。',
        rate_limited: '短い時間に多くの照会がありました。しばらく（最大10分）待ってからもう一度お試しください。',
      },
      ownHeading: (d) => `${d} 宛てのメール`,
      allHeading: (d) => `${d} について`,
      allExplained: 'このドメイン宛てのメールは個別には集計していません。以下はメール受信全体の数値です。',
      currentHeading: '現在の状況',
      p95: (m) => `直近${m}分間に届いたメールの95%は、受信から次の時間内にメールボックスに届きました:`,
      noneDelivered: (m) => `直近${m}分間に配送されたメールはありません。`,
      waiting: (n, oldest) => `配送を待っているメール: ${n}通（最も古いもので${oldest}）`,
      nothingWaiting: '配送を待っているメールはありません。',
      late: (d) => `遅延が発生しています（約${d}）。`,
      onTime: '遅延は発生していません。',
      incidentOwnConcerned: '発生中のメール受信の障害は、このドメインにも影響しています。',
      incidentOwnNotConcerned: 'メール受信の障害が発生中ですが、現在このドメイン宛てのメールは遅れていません。',
      incidentAll: 'メール受信の障害が発生中です。',
      noIncident: '現在、メール受信の障害は発生していません。',
      incidentLink: '障害の詳細',
      chartTitle: '今日の遅延',
      chartOwn: 'このドメイン宛てのメールの受信から配送までの時間（10分ごと）',
      chartAll: 'メール受信全体の受信から配送までの時間（10分ごと）',
      queueTitle: '今日の配送待ちのメール',
    };
  }
  return {
    title: 'Mail delay for your domain',
    intro: 'Enter the domain your mail is addressed to: you see the current delay of mail to it, today’s chart, and whether the ongoing incident concerns it.',
    label: 'Domain name',
    hint: 'For example example.com (the full domain name; internationalised names as you write them)',
    submit: 'Show',
    statusPageLink: 'Look up the delay for your domain',
    errors: {
      empty: 'Please enter a domain name.',
      too_long: 'That domain name is too long: at most 253 characters.',
      malformed: 'That is not a valid domain name. Enter it like example.com.',
      rate_limited: 'Too many lookups in a short time. Please wait a while (up to 10 minutes) and try again.',
    },
    ownHeading: (d) => `Mail to ${d}`,
    allHeading: (d) => `About ${d}`,
    allExplained: 'Mail to this domain is not measured separately. These are the figures for all inbound mail.',
    currentHeading: 'Right now',
    p95: (m) => `95% of the mail delivered in the last ${m} minutes reached the mailbox within:`,
    noneDelivered: (m) => `No mail was delivered in the last ${m} minutes.`,
    waiting: (n, oldest) => `Messages waiting for delivery: ${n} (the oldest for ${oldest})`,
    nothingWaiting: 'No mail is waiting for delivery.',
    late: (d) => `Mail is delayed (about ${d}).`,
    onTime: 'Mail is not delayed.',
    incidentOwnConcerned: 'The ongoing inbound mail incident concerns this domain.',
    incidentOwnNotConcerned: 'An inbound mail incident is ongoing, but mail to this domain is not delayed at the moment.',
    incidentAll: 'An inbound mail incident is ongoing.',
    noIncident: 'There is no inbound mail incident at the moment.',
    incidentLink: 'Incident details',
    chartTitle: 'Delay today',
    chartOwn: 'Time from receipt to mailbox of mail to this domain (per 10 minutes)',
    chartAll: 'Time from receipt to mailbox of all inbound mail (per 10 minutes)',
    queueTitle: 'Mail waiting today',
  };
}
