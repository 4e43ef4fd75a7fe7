import type { Lang } from '../i18n/locales';
import { messages } from '../i18n/messages';

// The audit log in words: who did what, to which object, and what changed (before → after), in
// the console's language. The log stores action keys and JSON details (lib/audit/log.ts); this
// reads them. An action or field without words here is still shown, by its key.

type Words = readonly [ja: string, en: string];

const ACTIONS: Record<string, Words> = {
  'auth.sign_out': ['サインアウト', 'Signed out'],
  'staff.invite': ['スタッフを招待', 'Invited a staff member'],
  'staff.disable': ['スタッフを無効化', 'Disabled a staff member'],
  'staff.enable': ['スタッフを有効化', 'Enabled a staff member'],
  'incident.publish': ['障害を公開', 'Published an incident'],
  'incident.create_draft': ['障害を下書きとして登録', 'Saved an incident as a draft'],
  'incident.update': ['続報を投稿', 'Posted an update'],
  'incident.update_corrected': ['続報を訂正', 'Corrected an update'],
  'incident.summary_saved': ['概要を保存', 'Saved the summary'],
  'incident.report_saved': ['報告書を保存', 'Saved the report'],
  'incident.report_published': ['報告書を公開', 'Published the report'],
  'incident.notify': ['購読者へ通知', 'Notified subscribers'],
  'incident.published': ['障害を公開状態に変更', 'Made an incident public'],
  'incident.unpublished': ['障害を非公開に変更', 'Made an incident private'],
  'maintenance.create': ['メンテナンスを予定', 'Scheduled maintenance'],
  'maintenance.update': ['メンテナンスを更新', 'Updated maintenance'],
  'maintenance.notify': ['メンテナンスを通知', 'Announced maintenance'],
  'mail.block': ['送信元をブロック', 'Blocked a sender'],
  'mail.unblock': ['ブロックを解除', 'Unblocked a sender'],
  'mail.scan_policy': ['SPAMチェックの方針を変更', 'Changed the spam-check policy'],
  'mail.flush': ['キューの再送を指示', 'Flushed the queue'],
  'mail.return_to_sender': ['メールを差出人に返送', 'Returned mail to its sender'],
  'component.create': ['コンポーネントを追加', 'Added a component'],
  'component.update': ['コンポーネントを編集', 'Edited a component'],
  'component.reorder': ['コンポーネントの順序を変更', 'Moved a component'],
  'component.delete': ['コンポーネントを削除', 'Deleted a component'],
  'component.archive': ['コンポーネントをアーカイブ', 'Archived a component'],
  'component.unarchive': ['コンポーネントのアーカイブを解除', 'Restored a component'],
  'component.status_set': ['コンポーネントの状態を設定', 'Set a component’s status'],
  'component.status_cleared': ['コンポーネントの状態を自動に戻す', 'Returned a component to automatic status'],
  'component_group.create': ['グループを追加', 'Added a group'],
  'component_group.update': ['グループを編集', 'Edited a group'],
  'component_group.reorder': ['グループの順序を変更', 'Moved a group'],
  'component_group.delete': ['グループを削除', 'Deleted a group'],
  'template.create': ['テンプレートを追加', 'Added a template'],
  'template.update': ['テンプレートを編集', 'Edited a template'],
  'template.delete': ['テンプレートを削除', 'Deleted a template'],
  'api_key.create': ['APIキーを発行', 'Created an API key'],
  'api_key.revoke': ['APIキーを失効', 'Revoked an API key'],
  'probe.create': ['監視を追加', 'Added a probe'],
  'probe.update': ['監視を編集', 'Edited a probe'],
  'probe.delete': ['監視を削除', 'Deleted a probe'],
  'alertmanager.receive': ['Alertmanagerから通知を受信', 'Received alerts from Alertmanager'],
  'alertmanager.notification': ['Alertmanagerから通知を受信', 'Received alerts from Alertmanager'],
  'incident.edit': ['障害を編集', 'Edited an incident'],
  'incident.unpublish': ['障害を非公開に変更', 'Made an incident private'],
  'incident.report_drafted': ['報告書の下書きを作成', 'Drafted the report'],
  'probe.enable': ['監視を有効化', 'Enabled a probe'],
  'probe.disable': ['監視を停止', 'Disabled a probe'],
  'probe.test': ['監視を試験実行', 'Ran a probe once'],
};

const TARGETS: Record<string, Words> = {
  incident: ['障害', 'Incident'],
  maintenance: ['メンテナンス', 'Maintenance'],
  component: ['コンポーネント', 'Component'],
  component_group: ['グループ', 'Group'],
  staff: ['スタッフ', 'Staff member'],
  template: ['テンプレート', 'Template'],
  api_key: ['APIキー', 'API key'],
  probe: ['監視', 'Probe'],
  blocklist: ['ブロックリスト', 'Blocklist'],
  scan_policy: ['SPAMチェック', 'Spam check'],
  queue: ['メールキュー', 'Mail queue'],
  webhook: ['Webhook', 'Webhook'],
};

const FIELDS: Record<string, Words> = {
  slug: ['スラッグ', 'Slug'],
  name: ['名前', 'Name'],
  nameJa: ['名前（日本語）', 'Name (Japanese)'],
  nameEn: ['名前（英語）', 'Name (English)'],
  descriptionJa: ['説明（日本語）', 'Description (Japanese)'],
  descriptionEn: ['説明（英語）', 'Description (English)'],
  title: ['タイトル', 'Title'],
  titleJa: ['タイトル（日本語）', 'Title (Japanese)'],
  titleEn: ['タイトル（英語）', 'Title (English)'],
  bodyJa: ['本文（日本語）', 'Message (Japanese)'],
  bodyEn: ['本文（英語）', 'Message (English)'],
  previousJa: ['訂正前（日本語）', 'Before (Japanese)'],
  previousEn: ['訂正前（英語）', 'Before (English)'],
  status: ['状態', 'Status'],
  impact: ['影響度', 'Impact'],
  role: ['権限', 'Role'],
  email: ['メールアドレス', 'Email address'],
  kind: ['種類', 'Kind'],
  position: ['表示順', 'Position'],
  groupId: ['グループ', 'Group'],
  group: ['グループ', 'Group'],
  onlyShowIfDegraded: ['障害時のみ表示', 'Shown only when degraded'],
  archivedAt: ['アーカイブ日時', 'Archived at'],
  policy: ['方針', 'Policy'],
  reason: ['理由', 'Reason'],
  value: ['値', 'Value'],
  from: ['開始', 'From'],
  until: ['終了', 'Until'],
  flushed: ['再送したメール', 'Messages flushed'],
  length: ['文字数', 'Characters'],
  note: ['備考', 'Note'],
  target: ['対象', 'Target'],
  interval: ['間隔', 'Interval'],
  scope: ['対象範囲', 'Scope'],
  component: ['コンポーネント', 'Component'],
  applied: ['反映したアラート', 'Alerts applied'],
  ignored: ['無視したアラート', 'Alerts ignored'],
  evidence: ['根拠', 'Evidence'],
};

// Keys that only tie the entry to other rows: the target column already names the object.
const HIDDEN = new Set(['noticeId', 'updateId']);

export interface AuditChange {
  field: string;
  before?: string;
  after?: string;
}

export interface DescribedAuditEntry {
  action: string;
  /** The action in words, or its key when it has none. */
  sentence: string;
  /** The kind of object, in words, and its name as it is now (or its id when it no longer exists). */
  targetKind: string | null;
  targetName: string | null;
  changes: AuditChange[];
}

const pick = (words: Words | undefined, lang: Lang) => (words ? words[lang === 'ja' ? 0 : 1] : undefined);
const MAX_TEXT = 160;

/** A stored value as a person reads it: statuses by name, yes/no, dates, text cut short. */
export function readableValue(field: string, value: unknown, lang: Lang): string {
  if (value === null || value === undefined || value === '') return lang === 'ja' ? '（なし）' : '(none)';
  if (typeof value === 'boolean') return value ? (lang === 'ja' ? 'はい' : 'yes') : lang === 'ja' ? 'いいえ' : 'no';
  const m = messages(lang);
  if (typeof value === 'string') {
    if (field === 'status' || field === 'newStatus' || field === 'oldStatus') {
      const name = (m.componentStatus as Record<string, string>)[value] ?? (m.incidentStatus as Record<string, string>)[value];
      if (name) return name;
    }
    if (field === 'impact' && (m.impact as Record<string, string>)[value]) return (m.impact as Record<string, string>)[value]!;
    return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value;
  }
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object')) return value.map((v) => readableValue(field, v, lang)).join(', ');
  const json = JSON.stringify(value);
  return json.length > MAX_TEXT ? `${json.slice(0, MAX_TEXT)}…` : json;
}

const fieldName = (field: string, lang: Lang) => pick(FIELDS[field], lang) ?? field;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The details of an entry as changes: before → after pairs where the entry has both, single values otherwise. */
export function readableChanges(details: unknown, lang: Lang): AuditChange[] {
  if (!isRecord(details)) return [];
  const out: AuditChange[] = [];
  const { before, after, changes, ...rest } = details;
  if (isRecord(changes)) {
    for (const [field, pair] of Object.entries(changes)) {
      const [from, to] = Array.isArray(pair) ? pair : isRecord(pair) ? [pair.from ?? pair.before, pair.to ?? pair.after] : [undefined, pair];
      out.push({ field: fieldName(field, lang), before: readableValue(field, from, lang), after: readableValue(field, to, lang) });
    }
  }
  if (isRecord(before) || isRecord(after)) {
    const b = isRecord(before) ? before : {};
    const a = isRecord(after) ? after : {};
    for (const field of new Set([...Object.keys(b), ...Object.keys(a)])) {
      if (isRecord(before) && isRecord(after) && JSON.stringify(b[field]) === JSON.stringify(a[field])) continue;
      out.push({
        field: fieldName(field, lang),
        ...(isRecord(before) ? { before: readableValue(field, b[field], lang) } : {}),
        ...(isRecord(after) ? { after: readableValue(field, a[field], lang) } : {}),
      });
    }
  }
  for (const [field, value] of Object.entries(rest)) {
    if (HIDDEN.has(field)) continue;
    // [from, to] of a move, e.g. a position.
    if (field === 'position' && Array.isArray(value) && value.length === 2) {
      out.push({ field: fieldName(field, lang), before: readableValue(field, value[0], lang), after: readableValue(field, value[1], lang) });
      continue;
    }
    out.push({ field: fieldName(field, lang), after: readableValue(field, value, lang) });
  }
  return out;
}

export function describeAuditEntry(entry: { action: string; targetType: string | null; targetId: string | null; details: string }, targetName: string | null, lang: Lang): DescribedAuditEntry {
  let details: unknown = {};
  try {
    details = JSON.parse(entry.details);
  } catch {
    details = { note: entry.details };
  }
  return {
    action: entry.action,
    sentence: pick(ACTIONS[entry.action], lang) ?? entry.action,
    targetKind: entry.targetType ? (pick(TARGETS[entry.targetType], lang) ?? entry.targetType) : null,
    targetName: targetName ?? entry.targetId,
    changes: readableChanges(details, lang),
  };
}
