import { formatInTimeZone } from 'date-fns-tz';
import { formatDateTime } from '../dates/format';

// The first draft of a final report, in the sections of the 2014 report, worded from the evidence
// the site and the MTA recorded (lib/rules/report-evidence.ts gathers it). Pure: the same evidence
// gives the same text, so the wording is tested without a database. What data cannot know (the
// cause, the countermeasures, the apology) is left as a marked placeholder for staff.

/** Marks what staff must write before the report is published. */
export const STAFF_MARK = { ja: '【要記入】', en: '[Staff to write]' } as const;

export interface DraftComponent {
  nameJa: string;
  nameEn: string;
}

/** One part of a delay window within one calendar day of the site's time zone. */
export interface DayWindow {
  startAt: Date;
  endAt: Date | null;
  /** The largest delay the status rule measured in this part (seconds), null when not measured. */
  maxDelayS: number | null;
}

/** Per stage a message goes through, the largest 10-second window's 95th percentile (seconds) during the incident. */
export interface StageEvidence {
  queue: number | null;
  scan: number | null;
  deliver: number | null;
}

export type DefenceKind = 'scan_policy' | 'blocklist' | 'flush';
export type DefenceSource = 'mta_events' | 'audit_log';
const SOURCE_NAMES: Record<DefenceSource, { ja: string; en: string }> = {
  mta_events: { ja: 'メールシステムのイベントログ', en: 'mail system’s event log' },
  audit_log: { ja: '管理画面の操作記録', en: 'console’s audit log' },
};

/** A defence switched during the incident: from the MTA's event log or the console's audit log. */
export interface DefenceEvidence {
  at: Date;
  kind: DefenceKind;
  /** The MTA's own decision ("auto", "expiry") or a staff member's address. */
  actor: string;
  automatic: boolean;
  /** scan_policy: the policy set ("enabled" | "bypass" | "auto") or "skip" / "resume" for the breaker; blocklist: add | remove | expire. */
  action: string;
  /** blocklist: client | sender_domain | helo. */
  target?: string;
  /** How many such changes this entry stands for (automatic blocks come in bursts). */
  count: number;
  reason: string | null;
}

/** The MTA's accounting of the flow's mail over the incident (10-second rollups, summed). */
export interface AccountingEvidence {
  from: Date;
  to: Date;
  accepted: number;
  delivered: number;
  bounced: number;
  /** Mail waiting when the period began and when it ended (null: that window was not reported). */
  queuedBefore: number | null;
  queuedAfter: number | null;
  /** 10-second windows in the period, per source, that no rollup reported. */
  missingWindows: number;
  expectedWindows: number;
}

export interface ReportEvidence {
  timeZone: string;
  startedAt: Date;
  resolvedAt: Date | null;
  components: DraftComponent[];
  /** The rule's first threshold: mail delivered later than this counts as late. Null without a mail rule. */
  thresholdS: number | null;
  windows: DayWindow[];
  /** Messages delivered later than the threshold, null when not measured. */
  lateMessages: number | null;
  stages: StageEvidence | null;
  defences: DefenceEvidence[];
  /** Records of defences that could not be read (the MTA's event log may be unreachable). */
  defenceGaps: DefenceSource[];
  accounting: AccountingEvidence | null;
}

export type LossVerdict = 'delivered' | 'queued' | 'unbalanced' | 'missing';

const nf = new Intl.NumberFormat('en-US');
const n = (v: number) => nf.format(v);

/** "約40秒" / "約90分": minutes as the 2014 report counted them, seconds under a minute. */
export function durationJa(seconds: number): string {
  return seconds < 60 ? `約${Math.max(1, Math.round(seconds))}秒` : `約${Math.round(seconds / 60)}分`;
}

export function durationEn(seconds: number): string {
  if (seconds < 60) return `about ${Math.max(1, Math.round(seconds))} s`;
  const m = Math.round(seconds / 60);
  return `about ${m} minute${m === 1 ? '' : 's'}`;
}

const time = (d: Date, tz: string) => formatInTimeZone(d, tz, 'HH:mm');
const day = (d: Date, lang: 'ja' | 'en', tz: string) => formatDateTime(d, lang, tz, 'day');
const at = (d: Date, lang: 'ja' | 'en', tz: string) => formatDateTime(d, lang, tz);

/** Whether the accounting shows every accepted message delivered, returned or still queued. */
export function lossVerdict(a: AccountingEvidence | null): LossVerdict {
  if (!a || a.missingWindows > 0 || a.queuedBefore === null || a.queuedAfter === null) return 'missing';
  if (a.queuedBefore + a.accepted !== a.delivered + a.bounced + a.queuedAfter) return 'unbalanced';
  return a.queuedAfter > 0 ? 'queued' : 'delivered';
}

function lossStatement(e: ReportEvidence): { ja: string; en: string } {
  const a = e.accounting;
  const tz = e.timeZone;
  const verdict = lossVerdict(a);
  if (verdict === 'missing' || !a) {
    const gap = a
      ? { ja: `集計期間の10秒ごとの記録${n(a.expectedWindows)}件のうち${n(a.missingWindows)}件${a.queuedBefore === null || a.queuedAfter === null ? '（期間の始めまたは終わりの滞留数を含む）' : ''}が欠けているため`, en: `${n(a.missingWindows)} of the ${n(a.expectedWindows)} ten-second records of the period${a.queuedBefore === null || a.queuedAfter === null ? ' (including the queue at its start or end)' : ''} are missing, so` }
      : { ja: 'メールシステムの記録がないため', en: 'the mail system recorded nothing for this period, so' };
    return {
      ja: `${STAFF_MARK.ja}${gap.ja}、メールの損失の有無をデータから確認できません。担当者が確認のうえ記入してください。`,
      en: `${STAFF_MARK.en} ${gap.en.charAt(0).toUpperCase()}${gap.en.slice(1)} whether any mail was lost cannot be told from the data. Staff must check and write this section.`,
    };
  }
  const period = { ja: `${at(a.from, 'ja', tz)}から${at(a.to, 'ja', tz)}まで`, en: `from ${at(a.from, 'en', tz)} to ${at(a.to, 'en', tz)}` };
  const counts = {
    ja: `${period.ja}に、メールシステムは${n(a.accepted)}通のメールを受け付け、${n(a.delivered)}通を配信し、${n(a.bounced)}通を宛先不明などの理由で差出人に返送しました（期間の開始時に配送待ちだったメールは${n(a.queuedBefore!)}通、終了時は${n(a.queuedAfter!)}通）。`,
    en: `${period.en.charAt(0).toUpperCase()}${period.en.slice(1)}, the mail system accepted ${n(a.accepted)} messages, delivered ${n(a.delivered)} and returned ${n(a.bounced)} to their senders (unknown recipients and the like); ${n(a.queuedBefore!)} were waiting when the period began and ${n(a.queuedAfter!)} when it ended.`,
  };
  if (verdict === 'delivered') {
    return {
      ja: `${counts.ja}受け付けたメールはすべて配信または返送されており、メールの損失はありません。`,
      en: `${counts.en} Every accepted message was delivered or returned: no mail was lost.`,
    };
  }
  if (verdict === 'queued') {
    return {
      ja: `${counts.ja}集計の終了時点でまだ配送待ちだった${n(a.queuedAfter!)}通は失われておらず、順次配信されます。${STAFF_MARK.ja}配信の完了を確認してから、損失の有無を記入してください。`,
      en: `${counts.en} The ${n(a.queuedAfter!)} still waiting at the end are not lost and are being delivered. ${STAFF_MARK.en} Confirm they were delivered before stating whether any mail was lost.`,
    };
  }
  const difference = a.queuedBefore! + a.accepted - a.delivered - a.bounced - a.queuedAfter!;
  return {
    ja: `${counts.ja}${STAFF_MARK.ja}これらの数は一致しません（${difference > 0 ? `${n(difference)}通が配信・返送・配送待ちのいずれにも含まれていません` : `配信・返送・配送待ちの合計が受け付けた数より${n(-difference)}通多くなっています`}）。隔離や削除されたメール、メールシステムの再起動などを確認し、損失の有無を記入してください。`,
    en: `${counts.en} ${STAFF_MARK.en} These figures do not balance (${difference > 0 ? `${n(difference)} messages are neither delivered, returned nor waiting` : `delivered, returned and waiting exceed what was accepted by ${n(-difference)}`}). Check for quarantined or deleted mail and restarts of the mail system, then state whether any mail was lost.`,
  };
}

function windowRows(e: ReportEvidence, lang: 'ja' | 'en'): string[] {
  const tz = e.timeZone;
  const windows = e.windows.length ? e.windows : [{ startAt: e.startedAt, endAt: e.resolvedAt, maxDelayS: null }];
  return windows.map((w) => {
    const end = w.endAt ? time(w.endAt, tz) : lang === 'ja' ? '継続中' : 'ongoing';
    const max = w.maxDelayS === null ? '—' : lang === 'ja' ? durationJa(w.maxDelayS) : durationEn(w.maxDelayS);
    return lang === 'ja' ? `| ${day(w.startAt, 'ja', tz)} | ${time(w.startAt, tz)}頃〜${end}頃 | ${max} |` : `| ${day(w.startAt, 'en', tz)} | ${time(w.startAt, tz)}–${end} | ${max} |`;
  });
}

function largestDelay(e: ReportEvidence): number | null {
  const measured = e.windows.map((w) => w.maxDelayS).filter((v): v is number => v !== null);
  return measured.length ? Math.max(...measured) : null;
}

function defenceLine(d: DefenceEvidence, lang: 'ja' | 'en', tz: string): string {
  const when = at(d.at, lang, tz);
  // Staff are named in the evidence and the audit log, not in what customers read.
  const who = d.automatic ? (lang === 'ja' ? 'メールシステムが自動で' : 'automatically, by the mail system') : lang === 'ja' ? '担当者が' : 'by staff';
  const why = d.reason ? (lang === 'ja' ? `（理由: ${d.reason}）` : ` (reason: ${d.reason})`) : '';
  const target = { client: { ja: '送信元IPアドレス', en: 'client address', ens: 'client addresses' }, sender_domain: { ja: '送信元ドメイン', en: 'sender domain', ens: 'sender domains' }, helo: { ja: 'HELO名', en: 'HELO name', ens: 'HELO names' } }[d.target ?? ''] ?? { ja: '送信元', en: 'sender', ens: 'senders' };
  const many = d.count > 1;
  let what: { ja: string; en: string };
  if (d.kind === 'scan_policy') {
    what = {
      skip: { ja: '滞留したメールのSPAMチェックを一時停止', en: 'skipped the spam check for mail that had waited too long' },
      resume: { ja: 'SPAMチェックを再開', en: 'resumed the spam check' },
      bypass: { ja: 'SPAMチェックを停止', en: 'switched the spam check off' },
      enabled: { ja: 'SPAMチェックを有効化', en: 'switched the spam check on' },
      auto: { ja: 'SPAMチェックを自動切替（滞留時は一時停止）に設定', en: 'set the spam check to switch itself off while mail waits too long' },
    }[d.action] ?? { ja: `SPAMチェックの設定を「${d.action}」に変更`, en: `set the spam check to "${d.action}"` };
  } else if (d.kind === 'blocklist') {
    const count = { ja: `${target.ja}${many ? `${n(d.count)}件` : ''}`, en: many ? `${n(d.count)} ${target.ens}` : `a ${target.en}` };
    what = {
      add: { ja: `${count.ja}をブロックリストに登録（受信を拒否）`, en: `blocked ${count.en} (mail refused)` },
      remove: { ja: `${count.ja}をブロックリストから削除`, en: `removed ${count.en} from the blocklist` },
      expire: { ja: `${count.ja}のブロックが期限切れで解除`, en: `let the block of ${count.en} expire` },
    }[d.action] ?? { ja: `${count.ja}のブロックリストを変更（${d.action}）`, en: `changed the blocklist for ${count.en} (${d.action})` };
  } else {
    what = { ja: '配送待ちのメールを直ちに再送', en: 'retried waiting mail at once' };
  }
  return lang === 'ja' ? `- ${when} ${who}${what.ja}${why}` : `- ${when}: ${what.en}, ${who}${why}`;
}

function defenceList(e: ReportEvidence, lang: 'ja' | 'en'): string {
  const lines = e.defences.map((d) => defenceLine(d, lang, e.timeZone));
  if (!lines.length) lines.push(lang === 'ja' ? '- 障害期間中、メールシステムの設定変更（SPAMチェック・ブロックリスト）の記録はありません。' : '- No changes to the mail system (spam check, blocklist) were recorded during the incident.');
  for (const gap of e.defenceGaps) lines.push(lang === 'ja' ? `- ${STAFF_MARK.ja}${SOURCE_NAMES[gap].ja}を読めなかったため、ここにない対処があれば追記してください。` : `- ${STAFF_MARK.en} The ${SOURCE_NAMES[gap].en} could not be read: add any action missing here.`);
  lines.push(lang === 'ja' ? `- ${STAFF_MARK.ja}上記以外に実施した対処（調査、増強など）があれば追記してください。` : `- ${STAFF_MARK.en} Add any other action taken (investigation, added capacity, …).`);
  return lines.join('\n');
}

function stageText(e: ReportEvidence, lang: 'ja' | 'en'): string {
  const s = e.stages;
  const known = s && [s.queue, s.scan, s.deliver].some((v) => v !== null);
  if (!known) {
    return lang === 'ja'
      ? '処理の段階ごと（SPAMチェック待ち・SPAMチェック・配送）の所要時間は記録されていません。'
      : 'How long each stage (waiting for the spam check, the check itself, delivery) took was not recorded.';
  }
  const part = (v: number | null, ja: string, en: string) => (v === null ? null : lang === 'ja' ? `${ja} ${durationJa(v)}` : `${en} ${durationEn(v)}`);
  const parts = [part(s.queue, 'SPAMチェック待ち', 'waiting for the spam check'), part(s.scan, 'SPAMチェック', 'the spam check'), part(s.deliver, '配送', 'delivery')].filter(Boolean);
  const slowest = (['queue', 'scan', 'deliver'] as const).reduce((a, b) => ((s[b] ?? -1) > (s[a] ?? -1) ? b : a));
  const name = { queue: { ja: 'SPAMチェック待ちの行列', en: 'the queue for the spam check' }, scan: { ja: 'SPAMチェックの処理', en: 'the spam check itself' }, deliver: { ja: '配送', en: 'delivery' } }[slowest];
  return lang === 'ja'
    ? `遅延の大部分は${name.ja}で生じていました（10秒ごとの95パーセンタイルの最大: ${parts.join('、')}）。`
    : `Most of the delay was spent in ${name.en} (largest 10-second 95th percentiles: ${parts.join(', ')}).`;
}

/** The draft of the final report, in both languages, from the evidence. */
export function draftReport(e: ReportEvidence): { ja: string; en: string } {
  const tz = e.timeZone;
  const largest = largestDelay(e);
  const componentsJa = e.components.map((c) => c.nameJa).join('、') || 'サービス';
  const componentsEn = e.components.map((c) => c.nameEn).join(', ') || 'the service';
  const late = e.lateMessages !== null && e.thresholdS !== null;
  const loss = lossStatement(e);

  const ja = `${STAFF_MARK.ja}お詫びの文面を記入してください。

## 1. 発生日時

時刻はすべて${tz === 'Asia/Tokyo' ? '日本時間' : `${tz}の時刻`}です。

| 日付 | 時間帯 | 最大遅延 |
| --- | --- | --- |
${windowRows(e, 'ja').join('\n')}

※最大遅延は、メールシステムが10秒ごとに計測した障害期間中の遅延の最大値です（ごく少数のメールだけの遅延は含みません）。

## 2. 事象

${componentsJa}において、${largest !== null ? `最大${durationJa(largest)}の` : ''}遅延が発生しておりました。${late ? `遅延の基準（${durationJa(e.thresholdS!)}）を超えて配信されたメールは${n(e.lateMessages!)}通です。` : ''}

${stageText(e, 'ja')}

${STAFF_MARK.ja}お客様から見えた事象と、影響のなかった機能を追記してください。

## 3. 原因

${STAFF_MARK.ja}原因を記入してください。

## 4. 影響範囲

${e.components.map((c) => `- ${c.nameJa}`).join('\n') || `- ${STAFF_MARK.ja}対象サービスを記入してください。`}

${STAFF_MARK.ja}影響を受けたお客様の範囲（対象サーバーなど）を追記してください。

## 5. 対処

${defenceList(e, 'ja')}

## 6. 今後の対策

- ${STAFF_MARK.ja}再発防止策と実施時期を記入してください。

## メールの損失について

${loss.ja}

## お問い合わせ

${STAFF_MARK.ja}お問い合わせ窓口を記入してください。
`;

  const en = `${STAFF_MARK.en} Write the apology here.

## 1. When it happened

All times are ${tz === 'Asia/Tokyo' ? 'Japan Standard Time' : `in ${tz}`}.

| Date | Period | Maximum delay |
| --- | --- | --- |
${windowRows(e, 'en').join('\n')}

The maximum delay is the largest the mail system measured (every 10 seconds) during the incident, not counting a handful of stuck messages.

## 2. What happened

${componentsEn} ${e.components.length > 1 ? 'were' : 'was'} delayed${largest !== null ? ` by up to ${durationEn(largest)}` : ''}.${late ? ` ${n(e.lateMessages!)} messages were delivered later than the delay threshold (${durationEn(e.thresholdS!)}).` : ''}

${stageText(e, 'en')}

${STAFF_MARK.en} Add what customers saw, and what was not affected.

## 3. Cause

${STAFF_MARK.en} Write the cause.

## 4. Scope

${e.components.map((c) => `- ${c.nameEn}`).join('\n') || `- ${STAFF_MARK.en} The affected services.`}

${STAFF_MARK.en} Add which customers were affected (servers, plans).

## 5. What we did

${defenceList(e, 'en')}

## 6. Countermeasures

- ${STAFF_MARK.en} What will prevent a recurrence, and when.

## Mail loss

${loss.en}

## Contact

${STAFF_MARK.en} Where customers can ask.
`;
  return { ja, en };
}
