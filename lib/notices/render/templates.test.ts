import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderIncidentNotice, renderMaintenanceNotice, type IncidentNoticeInput } from './templates';

const report = (name: string) => readFileSync(path.resolve(import.meta.dirname, '../../../content/incidents', name), 'utf8').replace(/^---[\s\S]*?\n---\n/, '');

const base: IncidentNoticeInput = {
  kind: 'incident_opened',
  siteName: { ja: 'Tayori ステータス', en: 'Tayori Status' },
  titleJa: 'メール受信の遅延',
  titleEn: 'Delays in mail reception',
  startedAt: new Date('2014-12-02T02:00:00Z'),
  resolvedAt: null,
  maxDelayMinutes: 12,
  components: [{ nameJa: 'メール受信', nameEn: 'Mail reception' }],
  update: { bodyJa: 'メール受信に遅延が発生しております。', bodyEn: 'Mail reception is delayed.', displayAt: new Date('2014-12-02T02:00:00Z') },
  reportJa: '',
  reportEn: '',
  url: { ja: 'https://status.example/incidents/x', en: 'https://status.example/en/incidents/x' },
};
const TZ = 'Asia/Tokyo';

describe('incident notices', () => {
  it('open with 【障害発生】 / [Incident], the start time in the site time zone and the affected service', () => {
    const ja = renderIncidentNotice(base, 'ja', TZ);
    expect(ja.subject).toBe('【障害発生】メール受信の遅延');
    expect(ja.text).toContain('■ 発生日時: 2014年12月2日(火) 11:00');
    expect(ja.text).toContain('■ 影響を受けるサービス: メール受信');
    expect(ja.text).toContain('■ 最大遅延: 約12分');
    expect(ja.text).toContain('https://status.example/incidents/x');
    expect(ja.html).toContain('<th align="left">発生日時</th><td>2014年12月2日(火) 11:00</td>');
    const en = renderIncidentNotice(base, 'en', TZ);
    expect(en.subject).toBe('[Incident] Delays in mail reception');
    expect(en.text).toContain('Started: Tue, Dec 2, 2014 11:00 JST');
    expect(en.text).toContain('Mail reception is delayed.');
  });

  it('use 【続報】 and 【復旧】 with the recovery period', () => {
    expect(renderIncidentNotice({ ...base, kind: 'incident_update' }, 'ja', TZ).subject).toBe('【続報】メール受信の遅延');
    const resolved = { ...base, kind: 'incident_resolved' as const, resolvedAt: new Date('2014-12-02T11:05:00Z'), maxDelayMinutes: 90 };
    const ja = renderIncidentNotice(resolved, 'ja', TZ);
    expect(ja.subject).toBe('【復旧】メール受信の遅延');
    expect(ja.text).toContain('■ 期間: 2014年12月2日(火) 11:00 – 2014年12月2日(火) 20:05');
    expect(ja.text).toContain('約1時間30分');
    expect(renderIncidentNotice(resolved, 'en', TZ).subject).toBe('[Resolved] Delays in mail reception');
  });

  it('build the apology from the report sections, as in the 2014 document', () => {
    const input = { ...base, kind: 'incident_report' as const, resolvedAt: new Date('2014-12-09T06:00:00Z'), maxDelayMinutes: 90, reportJa: report('2014-12-02-mail-delay.md'), reportEn: report('2014-12-02-mail-delay.en.md') };
    const ja = renderIncidentNotice(input, 'ja', TZ);
    expect(ja.subject).toBe('【お詫び】メール受信の遅延');
    const order = ['■ 発生日時\n', '■ 事象', '■ 原因', '■ 影響範囲', '■ 対処', '■ 今後の対策', '■ メールの損失について', '■ お問い合わせ'].map((h) => ja.text.indexOf(h));
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(ja.text).toContain('深くお詫び申し上げます');
    expect(ja.html).toContain('<h3>原因</h3>');
    expect(ja.html).toContain('<table>');
    const en = renderIncidentNotice(input, 'en', TZ);
    expect(en.subject).toBe('[Apology] Delays in mail reception');
    for (const h of ['When it happened', 'What happened', 'Cause', 'Scope', 'What we did', 'Countermeasures', 'Mail loss', 'Contact']) expect(en.text).toContain(`■ ${h}`);
  });

  it('never lets a title break the subject line or markdown inject script', () => {
    const evil = { ...base, titleJa: '遅延\r\nBcc: x@example.com', update: { ...base.update!, bodyJa: 'ok <script>alert(1)</script> [x](javascript:alert(1))' } };
    const ja = renderIncidentNotice(evil, 'ja', TZ);
    expect(ja.subject).not.toMatch(/[\r\n]/);
    expect(ja.html).not.toContain('<script');
    expect(ja.html).not.toContain('javascript:');
  });
});

describe('the text part', () => {
  it('reads the report for a mail reader: aligned table, lists, no markdown syntax and no trailing spaces', () => {
    const input = { ...base, kind: 'incident_report' as const, resolvedAt: new Date('2014-12-09T06:00:00Z'), reportJa: report('2014-12-02-mail-delay.md'), reportEn: report('2014-12-02-mail-delay.en.md') };
    const ja = renderIncidentNotice(input, 'ja', TZ).text;
    expect(ja).toContain(['日付                 時間帯                最大遅延', '-------------------  --------------------  -------------', '2014年12月2日（火）  11:00頃〜20:05頃まで  —'].join('\n'));
    expect(ja).toContain('\n- 社内メール（同一ドメイン間でのメールのやりとり）\n- メール送信\n');
    expect(ja).toContain('\n- 以下のサービスをご利用の場合\n  - root権限付き専用サーバー\n');
    for (const text of [ja, renderIncidentNotice(input, 'en', TZ).text]) {
      expect(text).not.toMatch(/^\s*\|.*\|\s*$/m);
      expect(text).not.toMatch(/\*\*|^#{1,6} /m);
      expect(text.split('\n').filter((line) => line !== line.trimEnd())).toEqual([]);
    }
  });

  it('writes links as their URLs and drops raw HTML', () => {
    const update = { ...base.update!, bodyJa: '詳細は[こちら](https://status.example/x)をご覧ください。<img src=x onerror=alert(1)>\n\n<script>alert(1)</script>' };
    const ja = renderIncidentNotice({ ...base, update }, 'ja', TZ);
    expect(ja.text).toContain('■ 現在の状況\n詳細はこちら (https://status.example/x)をご覧ください。\n');
    expect(ja.text).not.toMatch(/<(img|script)/);
    expect(ja.html).toContain('<a href="https://status.example/x">こちら</a>');
  });
});

describe('maintenance notices', () => {
  it('announce, start and complete with 【メンテナンス】 / [Maintenance] and the schedule', () => {
    const input = {
      kind: 'maintenance_announced' as const,
      siteName: base.siteName,
      titleJa: 'メールシステムの増強',
      titleEn: 'Mail system reinforcement',
      startsAt: new Date('2014-12-05T01:00:00Z'),
      endsAt: new Date('2014-12-09T06:00:00Z'),
      components: [{ nameJa: 'SPAMチェック', nameEn: 'Spam check' }],
      bodyJa: '作業中はSPAMチェックを停止します。',
      bodyEn: 'The spam check is off during the work.',
      url: base.url,
    };
    const ja = renderMaintenanceNotice(input, 'ja', TZ);
    expect(ja.subject).toBe('【メンテナンス】メールシステムの増強');
    expect(ja.text).toContain('■ 実施日時: 2014年12月5日(金) 10:00 – 2014年12月9日(火) 15:00');
    expect(ja.text).toContain('実施いたします');
    expect(renderMaintenanceNotice({ ...input, kind: 'maintenance_started' }, 'ja', TZ).text).toContain('開始いたしました');
    const done = renderMaintenanceNotice({ ...input, kind: 'maintenance_completed' }, 'en', TZ);
    expect(done.subject).toBe('[Maintenance] Mail system reinforcement');
    expect(done.text).toContain('is complete');
    expect(done.text).toContain('Affected services: Spam check');
  });
});
