import type { DeferralReason, TraceStage } from '#contracts/mta-admin-api';
import type { Lang } from './locales';

// Strings of the mail trace page ("where is my mail?"). Nothing here names a sender, a subject or
// anything from a message: the page shows when the mail system handled it, and nothing else.

export type MailTraceFieldError = 'required' | 'too_long' | 'invalid';
export type MailTraceFormError = 'rate_limited' | 'unavailable';

export interface MailTraceMessages {
  title: string;
  intro: string;
  privacy: string;
  statusPageLink: string;
  messageIdLabel: string;
  messageIdHint: string;
  recipientLabel: string;
  recipientHint: string;
  submit: string;
  resultHeading: string;
  messageIdErrors: Record<MailTraceFieldError, string>;
  recipientErrors: Record<MailTraceFieldError, string>;
  formErrors: Record<MailTraceFormError, string>;
  notSeen: string;
  notSeenHelp: (retentionNote: string) => string;
  retention: string;
  stages: Record<TraceStage, string>;
  receivedAt: string;
  scanStartedAt: string;
  scanEndedAt: string;
  scanSkipped: string;
  deliveredAt: string;
  delay: (duration: string) => string;
  deferredAt: string;
  deferralReasons: Record<DeferralReason, string>;
  nextAttempt: string;
  attempts: (n: number) => string;
  finishedAt: string;
  duration: (seconds: number) => string;
}

const JA: MailTraceMessages = {
  title: 'メールの配送状況の確認',
  intro: 'お送りいただいた(または届くはずの)メールが、当社のメールシステムのどの段階にあるかを確認できます。メールの Message-ID と、受信者のメールアドレスの両方を入力してください。',
  privacy: '表示するのは受付・検査・配送の時刻だけです。件名・差出人・本文は表示しません。両方の値が一致しない限り、メールの有無もお答えしません。',
  statusPageLink: '自分宛てのメールの配送状況を確認する',
  messageIdLabel: 'Message-ID',
  messageIdHint: 'メールソフトの「ヘッダーを表示」などで確認できます(例: <abc123@example.com>)。山かっこは省略できます。',
  recipientLabel: '受信者のメールアドレス',
  recipientHint: 'このメールの宛先のうち、ひとつを入力してください。',
  submit: '確認する',
  resultHeading: '確認結果',
  messageIdErrors: {
    required: 'Message-ID を入力してください。',
    too_long: 'Message-ID が長すぎます(998文字まで)。',
    invalid: 'Message-ID の形式が正しくありません(例: <abc123@example.com>)。',
  },
  recipientErrors: {
    required: '受信者のメールアドレスを入力してください。',
    too_long: 'メールアドレスが長すぎます(254文字まで、@の前は64文字まで)。',
    invalid: 'メールアドレスの形式が正しくありません。',
  },
  formErrors: {
    rate_limited: '短時間に多くの確認がありました。しばらくしてからもう一度お試しください。',
    unavailable: '現在メールシステムに問い合わせできないため、確認できません。しばらくしてからもう一度お試しください。',
  },
  notSeen: 'このメールは当社のメールシステムでは確認できませんでした。',
  notSeenHelp: (retention) => `Message-ID と受信者のアドレスをもう一度ご確認ください。送信元のサーバーからまだ届いていない場合も、この表示になります。${retention}`,
  retention: '記録は受け付けから一定期間(既定では7日間)で削除されます。',
  stages: {
    scan_waiting: '受け付け済みで、迷惑メール・ウイルス検査の順番を待っています。',
    scanning: '迷惑メール・ウイルス検査中です。',
    delivering: '検査が終わり、配送中です。',
    delivered: '配送済みです。',
    deferred: '配送できず、あとで再送します。',
    bounced: '配送できなかったため、差出人にエラーを通知しました。',
    held: '検査の結果(ウイルスまたは迷惑メール)、配送を止めました。',
  },
  receivedAt: '受け付け',
  scanStartedAt: '検査開始',
  scanEndedAt: '検査終了',
  scanSkipped: '検査は省略されました(混雑時の運用)',
  deliveredAt: '配送',
  delay: (d) => `受け付けから配送まで ${d}`,
  deferredAt: '配送の保留',
  deferralReasons: {
    destination_unreachable: '宛先のメールサーバーに接続できませんでした。',
    receiver_deferred: '宛先のメールサーバーから、時間をおいて再送するよう求められました。',
    mailbox_full: '宛先のメールボックスの容量が一杯です。',
    mailbox_unavailable: '宛先のメールボックスに一時的に書き込めませんでした。',
  },
  nextAttempt: '次の再送予定',
  attempts: (n) => `これまでの配送試行 ${n}回`,
  finishedAt: '処理終了',
  duration: (s) => (s < 60 ? `${s}秒` : s < 3600 ? `${Math.floor(s / 60)}分${Math.round(s % 60)}秒` : `${Math.floor(s / 3600)}時間${Math.floor((s % 3600) / 60)}分`),
};

const EN: MailTraceMessages = {
  title: 'Where is my mail?',
  intro: 'See which stage of our mail system a message is in. Enter both the message\'s Message-ID and the recipient\'s address.',
  privacy: 'Only the times it was received, checked and delivered are shown: never the subject, the sender or the content. Unless both values match, we do not even say whether the message exists.',
  statusPageLink: 'Where is my mail? Check a message',
  messageIdLabel: 'Message-ID',
  messageIdHint: 'Your mail program shows it with the message\'s headers (e.g. <abc123@example.com>). The angle brackets are optional.',
  recipientLabel: 'Recipient\'s address',
  recipientHint: 'One of the addresses the message was sent to.',
  submit: 'Check',
  resultHeading: 'Result',
  messageIdErrors: {
    required: 'Enter the Message-ID.',
    too_long: 'The Message-ID is too long (998 characters at most).',
    invalid: 'This is not a valid Message-ID (e.g. <abc123@example.com>).',
  },
  recipientErrors: {
    required: 'Enter the recipient\'s address.',
    too_long: 'The address is too long (254 characters at most, 64 before the @).',
    invalid: 'This is not a valid email address.',
  },
  formErrors: {
    rate_limited: 'Too many lookups in a short time. Please try again later.',
    unavailable: 'The mail system cannot be asked right now, so we cannot tell. Please try again later.',
  },
  notSeen: 'Our mail system has not seen this message.',
  notSeenHelp: (retention) => `Please check the Message-ID and the recipient's address. A message the sending server has not passed to us yet shows this too. ${retention}`,
  retention: 'Records are deleted some time after the message arrived (7 days by default).',
  stages: {
    scan_waiting: 'Received, and waiting for the spam and virus check.',
    scanning: 'Being checked for spam and viruses.',
    delivering: 'Checked, and being delivered.',
    delivered: 'Delivered.',
    deferred: 'Not delivered yet: another attempt is planned.',
    bounced: 'Could not be delivered; the sender has been told.',
    held: 'Stopped by the check (a virus, or spam) and not delivered.',
  },
  receivedAt: 'Received',
  scanStartedAt: 'Check started',
  scanEndedAt: 'Check finished',
  scanSkipped: 'The check was skipped (while the system was congested)',
  deliveredAt: 'Delivered',
  delay: (d) => `${d} from receipt to delivery`,
  deferredAt: 'Delivery put off',
  deferralReasons: {
    destination_unreachable: 'The receiving mail server could not be reached.',
    receiver_deferred: 'The receiving mail server asked us to try again later.',
    mailbox_full: 'The recipient\'s mailbox is full.',
    mailbox_unavailable: 'The recipient\'s mailbox could not be written to for the moment.',
  },
  nextAttempt: 'Next attempt',
  attempts: (n) => `${n} attempt${n === 1 ? '' : 's'} so far`,
  finishedAt: 'Finished',
  duration: (s) => (s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`),
};

export function mailTraceMessages(lang: Lang): MailTraceMessages {
  return lang === 'ja' ? JA : EN;
}
