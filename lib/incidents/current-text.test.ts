import { describe, expect, it } from 'vitest';
import { currentSummary, lastChangedAt } from './current-text';

const investigating = { bodyJa: 'メール受信の遅延について、原因を調査しております。', bodyEn: 'We are investigating delayed incoming mail.' };
const resolved = { bodyJa: 'メール受信の遅延は解消し、復旧いたしました。', bodyEn: 'Incoming mail is no longer delayed; resolved.' };

describe('the summary an incident shows', () => {
  it('is the summary kept current with the updates', () => {
    expect(currentSummary({ ja: resolved.bodyJa, en: resolved.bodyEn }, [investigating, resolved])).toEqual({ ja: resolved.bodyJa, en: resolved.bodyEn });
  });

  it('is not a first "investigating" text a later update has superseded', () => {
    // A resolved incident whose summary was copied from its first update and never followed.
    expect(currentSummary({ ja: investigating.bodyJa, en: investigating.bodyEn }, [investigating, resolved])).toEqual({ ja: resolved.bodyJa, en: resolved.bodyEn });
  });

  it('keeps a summary staff wrote, in each language', () => {
    const written = { ja: '12月2日の遅延は外部からの大量のスパムが原因でした。詳細は障害報告をご覧ください。', en: investigating.bodyEn };
    // Japanese rewritten by staff stays; the English left as the superseded copy follows the latest update.
    expect(currentSummary(written, [investigating, resolved])).toEqual({ ja: written.ja, en: resolved.bodyEn });
  });

  it('is the latest update when there is no summary', () => {
    expect(currentSummary({ ja: '', en: ' ' }, [investigating, resolved])).toEqual({ ja: resolved.bodyJa, en: resolved.bodyEn });
  });

  it('is a text repeated by the latest update, as it is current', () => {
    expect(currentSummary({ ja: investigating.bodyJa, en: investigating.bodyEn }, [investigating, resolved, investigating])).toEqual({ ja: investigating.bodyJa, en: investigating.bodyEn });
  });

  it('is the summary of an incident without updates', () => {
    expect(currentSummary({ ja: '概要', en: 'Summary' }, [])).toEqual({ ja: '概要', en: 'Summary' });
  });
});

describe("a report's last change", () => {
  const imported = new Date('2026-11-29T00:00:00Z');

  it('is the front matter time for an authored report, not when its updates were imported', () => {
    const updatedAt = new Date('2014-12-09T06:00:00Z');
    expect(lastChangedAt({ source: 'content', updatedAt }, [{ updatedAt: imported }])).toEqual(updatedAt);
  });

  it('is the latest of the incident and its updates for console and automatic incidents', () => {
    const incident = { source: 'console', updatedAt: new Date('2026-11-28T10:00:00Z') };
    const corrected = new Date('2026-11-28T11:30:00Z');
    expect(lastChangedAt(incident, [{ updatedAt: new Date('2026-11-28T09:00:00Z') }, { updatedAt: corrected }])).toEqual(corrected);
    expect(lastChangedAt({ ...incident, source: 'auto' }, [{ updatedAt: new Date('2026-11-28T09:00:00Z') }])).toEqual(incident.updatedAt);
  });
});
