import { formatDateTime } from '../dates/format';

// The skeleton of a final report, in the order of the 2014 report (発生日時, 事象, 原因, 影響範囲,
// 対処, 今後の対策, then the loss statement and the contact), prefilled with what is known.

export interface ReportFacts {
  startedAt: Date;
  resolvedAt: Date | null;
  maxDelayMinutes: number | null;
  components: { nameJa: string; nameEn: string }[];
  windows: { startAt: Date; endAt: Date | null; maxDelayMinutes: number | null }[];
  timeZone: string;
}

export function reportTemplate(facts: ReportFacts): { ja: string; en: string } {
  const tz = facts.timeZone;
  const windows = facts.windows.length ? facts.windows : [{ startAt: facts.startedAt, endAt: facts.resolvedAt, maxDelayMinutes: facts.maxDelayMinutes }];
  const jaRows = windows.map((w) => `| ${formatDateTime(w.startAt, 'ja', tz)} | ${w.endAt ? formatDateTime(w.endAt, 'ja', tz) : '継続中'} | ${w.maxDelayMinutes != null ? `約${w.maxDelayMinutes}分` : '—'} |`);
  const enRows = windows.map((w) => `| ${formatDateTime(w.startAt, 'en', tz)} | ${w.endAt ? formatDateTime(w.endAt, 'en', tz) : 'ongoing'} | ${w.maxDelayMinutes != null ? `about ${w.maxDelayMinutes} min` : '—'} |`);
  const jaComponents = facts.components.map((c) => `- ${c.nameJa}`).join('\n') || '- （対象サービスを記入）';
  const enComponents = facts.components.map((c) => `- ${c.nameEn}`).join('\n') || '- (affected services)';

  const ja = `（お詫びの文面を記入してください。）

## 1. 発生日時

| 開始 | 終了 | 最大遅延 |
| --- | --- | --- |
${jaRows.join('\n')}

## 2. 事象

（お客様から見えた事象を記入してください。影響のなかった機能もあれば記載します。）

## 3. 原因

（原因を記入してください。）

## 4. 影響範囲

${jaComponents}

## 5. 対処

- （実施した対処を記入してください。）

## 6. 今後の対策

- （再発防止策と実施時期を記入してください。）

## メールの損失について

（メールの損失の有無を記入してください。）

## お問い合わせ

（お問い合わせ窓口を記入してください。）
`;

  const en = `(Write the apology here.)

## 1. When it happened

| Start | End | Maximum delay |
| --- | --- | --- |
${enRows.join('\n')}

## 2. What happened

(What customers saw; what was not affected.)

## 3. Cause

(The cause.)

## 4. Scope

${enComponents}

## 5. What we did

- (Actions taken.)

## 6. Countermeasures

- (What will prevent a recurrence, and when.)

## Mail loss

(Whether any mail was lost.)

## Contact

(Where customers can ask.)
`;
  return { ja, en };
}
