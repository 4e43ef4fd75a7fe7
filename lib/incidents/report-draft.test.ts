import { describe, expect, it } from 'vitest';
import { splitReport } from '../notices/render/report-sections';
import { draftReport, durationEn, durationJa, lossVerdict, STAFF_MARK, type AccountingEvidence, type ReportEvidence } from './report-draft';

// Fixed evidence shaped like the 2014 incident: three days of delay, the spam check switched off
// by staff, a burst of automatic blocks, and the MTA's accounting for the period.
const jst = (iso: string) => new Date(`${iso}+09:00`);
const balanced: AccountingEvidence = {
  from: jst('2014-12-02T11:00:00'),
  to: jst('2014-12-04T14:00:00'),
  accepted: 120_000,
  delivered: 100_000,
  bounced: 20_010,
  queuedBefore: 10,
  queuedAfter: 0,
  missingWindows: 0,
  expectedWindows: 18_360,
};

const evidence = (over: Partial<ReportEvidence> = {}): ReportEvidence => ({
  timeZone: 'Asia/Tokyo',
  startedAt: jst('2014-12-02T11:00:00'),
  resolvedAt: jst('2014-12-04T14:30:00'),
  components: [{ nameJa: 'メール受信', nameEn: 'Mail reception' }],
  thresholdS: 300,
  windows: [
    { startAt: jst('2014-12-02T11:00:00'), endAt: jst('2014-12-02T20:05:00'), maxDelayS: 2700 },
    { startAt: jst('2014-12-03T09:00:00'), endAt: jst('2014-12-03T20:40:00'), maxDelayS: 5400 },
    { startAt: jst('2014-12-04T11:00:00'), endAt: jst('2014-12-04T14:00:00'), maxDelayS: 3600 },
  ],
  lateMessages: 48_211,
  stages: { queue: 5100, scan: 2.5, deliver: 0.4 },
  defences: [
    { at: jst('2014-12-03T10:15:00'), kind: 'blocklist', actor: 'auto', automatic: true, action: 'add', target: 'client', count: 12, reason: 'too many messages' },
    { at: jst('2014-12-03T13:00:00'), kind: 'scan_policy', actor: 'ops@example.com', automatic: false, action: 'bypass', count: 1, reason: 'flood' },
  ],
  defenceGaps: [],
  accounting: balanced,
  ...over,
});

describe('draftReport', () => {
  it('fills the 2014 sections in Japanese from the evidence, times in the site’s zone', () => {
    const { ja } = draftReport(evidence());
    const { sections, preamble } = splitReport(ja);
    expect(Object.keys(sections).sort()).toEqual(['actions', 'cause', 'contact', 'countermeasures', 'loss', 'period', 'scope', 'symptoms']);
    expect(preamble).toContain(STAFF_MARK.ja);
    // One row per window, the day's maximum the Japanese way.
    expect(sections.period!.body).toContain('| 2014年12月3日(水) | 09:00頃〜20:40頃 | 約90分 |');
    expect(sections.period!.body).toContain('| 2014年12月2日(火) | 11:00頃〜20:05頃 | 約45分 |');
    expect(sections.period!.body).toContain('日本時間');
    expect(sections.symptoms!.body).toContain('最大約90分の遅延');
    expect(sections.symptoms!.body).toContain('遅延の基準（約5分）を超えて配信されたメールは48,211通');
    expect(sections.symptoms!.body).toContain('遅延の大部分はSPAMチェック待ちの行列で生じていました（10秒ごとの95パーセンタイルの最大: SPAMチェック待ち 約85分、SPAMチェック 約3秒、配送 約1秒）');
    // Cause and countermeasures cannot come from data: marked for staff.
    expect(sections.cause!.body).toMatch(/^【要記入】/);
    expect(sections.countermeasures!.body).toContain(STAFF_MARK.ja);
    // Defences with their times; staff are not named in what customers read.
    expect(sections.actions!.body).toContain('- 2014年12月3日(水) 10:15 メールシステムが自動で送信元IPアドレス12件をブロックリストに登録（受信を拒否）（理由: too many messages）');
    expect(sections.actions!.body).toContain('- 2014年12月3日(水) 13:00 担当者がSPAMチェックを停止（理由: flood）');
    expect(ja).not.toContain('ops@example.com');
  });

  it('says the same in English', () => {
    const { en } = draftReport(evidence());
    const { sections } = splitReport(en);
    expect(Object.keys(sections).sort()).toEqual(['actions', 'cause', 'contact', 'countermeasures', 'loss', 'period', 'scope', 'symptoms']);
    expect(sections.period!.body).toContain('| Wed, Dec 3, 2014 | 09:00–20:40 | about 90 minutes |');
    expect(sections.symptoms!.body).toContain('Mail reception was delayed by up to about 90 minutes. 48,211 messages were delivered later than the delay threshold (about 5 minutes).');
    expect(sections.symptoms!.body).toContain('Most of the delay was spent in the queue for the spam check');
    expect(sections.cause!.body).toMatch(/^\[Staff to write\]/);
    expect(sections.actions!.body).toContain('- Wed, Dec 3, 2014 10:15 JST: blocked 12 client addresses (mail refused), automatically, by the mail system (reason: too many messages)');
    expect(sections.actions!.body).toContain('- Wed, Dec 3, 2014 13:00 JST: switched the spam check off, by staff (reason: flood)');
    expect(en).not.toContain('ops@example.com');
  });

  it('states no loss when every accepted message was delivered or returned', () => {
    expect(lossVerdict(balanced)).toBe('delivered');
    const { ja, en } = draftReport(evidence());
    const loss = { ja: splitReport(ja).sections.loss!.body, en: splitReport(en).sections.loss!.body };
    expect(loss.ja).toContain('メールシステムは120,000通のメールを受け付け、100,000通を配信し、20,010通を宛先不明などの理由で差出人に返送しました（期間の開始時に配送待ちだったメールは10通、終了時は0通）');
    expect(loss.ja).toContain('メールの損失はありません');
    expect(loss.ja).not.toContain(STAFF_MARK.ja);
    expect(loss.en).toContain('accepted 120,000 messages, delivered 100,000 and returned 20,010');
    expect(loss.en).toContain('no mail was lost');
  });

  it('does not claim no loss while mail is still queued', () => {
    const queued = { ...balanced, delivered: 99_990, queuedAfter: 10 };
    expect(lossVerdict(queued)).toBe('queued');
    const { ja, en } = draftReport(evidence({ accounting: queued }));
    const loss = { ja: splitReport(ja).sections.loss!.body, en: splitReport(en).sections.loss!.body };
    expect(loss.ja).toContain('まだ配送待ちだった10通は失われておらず');
    expect(loss.ja).toContain(STAFF_MARK.ja);
    expect(loss.ja).not.toContain('損失はありません');
    expect(loss.en).toContain('The 10 still waiting at the end are not lost');
    expect(loss.en).not.toContain('no mail was lost');
  });

  it('says the figures do not balance instead of assuming', () => {
    const short = { ...balanced, delivered: 99_997 };
    expect(lossVerdict(short)).toBe('unbalanced');
    const { ja, en } = draftReport(evidence({ accounting: short }));
    expect(splitReport(ja).sections.loss!.body).toContain('これらの数は一致しません（3通が配信・返送・配送待ちのいずれにも含まれていません）');
    expect(splitReport(en).sections.loss!.body).toContain('These figures do not balance (3 messages are neither delivered, returned nor waiting)');
    expect(ja).not.toContain('損失はありません');
  });

  it('says the data is missing instead of assuming', () => {
    for (const accounting of [null, { ...balanced, missingWindows: 6 }, { ...balanced, queuedBefore: null }]) {
      expect(lossVerdict(accounting)).toBe('missing');
      const { ja, en } = draftReport(evidence({ accounting }));
      const loss = { ja: splitReport(ja).sections.loss!.body, en: splitReport(en).sections.loss!.body };
      expect(loss.ja).toContain('メールの損失の有無をデータから確認できません');
      expect(loss.ja).toMatch(/^【要記入】/);
      expect(loss.en).toContain('whether any mail was lost cannot be told from the data');
      expect(ja).not.toContain('損失はありません');
      expect(en).not.toContain('no mail was lost');
    }
    expect(splitReport(draftReport(evidence({ accounting: { ...balanced, missingWindows: 6 } })).ja).sections.loss!.body).toContain('18,360件のうち6件');
  });

  it('says what is unknown: no stage figures, an unreadable event log, no defences', () => {
    const { ja, en } = draftReport(evidence({ stages: null, defences: [], defenceGaps: ['mta_events'] }));
    expect(ja).toContain('所要時間は記録されていません');
    expect(en).toContain('was not recorded');
    expect(splitReport(en).sections.actions!.body).toContain('The mail system’s event log could not be read');
    expect(splitReport(ja).sections.actions!.body).toContain('設定変更（SPAMチェック・ブロックリスト）の記録はありません');
    expect(splitReport(ja).sections.actions!.body).toContain('【要記入】メールシステムのイベントログを読めなかった');
  });

  it('formats delays as people say them', () => {
    expect([durationJa(42), durationJa(5400), durationJa(0.2)]).toEqual(['約42秒', '約90分', '約1秒']);
    expect([durationEn(42), durationEn(60), durationEn(5400)]).toEqual(['about 42 s', 'about 1 minute', 'about 90 minutes']);
  });
});
