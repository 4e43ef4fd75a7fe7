import { describe, expect, it } from 'vitest';
import { describeAuditEntry, readableChanges } from './describe';

const entry = (action: string, details: unknown, targetType: string | null = 'component', targetId: string | null = 'c1') => ({ action, targetType, targetId, details: JSON.stringify(details) });

describe('the audit log in words', () => {
  it('names the action, the kind of object and the object in the console’s language', () => {
    const ja = describeAuditEntry(entry('component.update', {}), 'DNS', 'ja');
    expect(ja).toMatchObject({ sentence: 'コンポーネントを編集', targetKind: 'コンポーネント', targetName: 'DNS' });
    const en = describeAuditEntry(entry('component.update', {}), 'DNS', 'en');
    expect(en).toMatchObject({ sentence: 'Edited a component', targetKind: 'Component', targetName: 'DNS' });
  });

  it('shows an object that no longer exists by its id, and an unknown action by its key', () => {
    expect(describeAuditEntry(entry('something.new', {}, 'widget', 'w9'), null, 'en')).toMatchObject({ sentence: 'something.new', targetKind: 'widget', targetName: 'w9' });
  });

  it('reads before → after of every shape the log holds, skipping what did not change', () => {
    // { changes: { field: [before, after] } }
    expect(readableChanges({ slug: 'dns', changes: { nameEn: ['DNS', 'DNS servers'], onlyShowIfDegraded: [false, true] } }, 'en')).toEqual([
      { field: 'Name (English)', before: 'DNS', after: 'DNS servers' },
      { field: 'Shown only when degraded', before: 'no', after: 'yes' },
      { field: 'Slug', after: 'dns' },
    ]);
    // { before, after }
    expect(readableChanges({ before: { titleEn: 'A', status: 'investigating' }, after: { titleEn: 'B', status: 'investigating' } }, 'ja')).toEqual([{ field: 'タイトル（英語）', before: 'A', after: 'B' }]);
    // a move
    expect(readableChanges({ position: [3, 1] }, 'en')).toEqual([{ field: 'Position', before: '3', after: '1' }]);
  });

  it('shows statuses and impacts by their names, and cuts long texts', () => {
    expect(readableChanges({ status: 'major_outage', impact: 'critical' }, 'ja').map((c) => c.after)).toEqual(['重大な障害', '深刻']);
    const long = readableChanges({ previousEn: 'x'.repeat(500) }, 'en')[0]!.after!;
    expect(long.length).toBeLessThanOrEqual(161);
    expect(long.endsWith('…')).toBe(true);
  });

  it('never shows the ids that only tie an entry to other rows', () => {
    expect(readableChanges({ noticeId: 'n1', updateId: 'u1', kind: 'incident_report' }, 'en')).toEqual([{ field: 'Kind', after: 'incident_report' }]);
  });

  it('survives details that are not JSON', () => {
    expect(describeAuditEntry({ action: 'mail.flush', targetType: 'queue', targetId: null, details: 'not json' }, null, 'en').changes).toEqual([{ field: 'Note', after: 'not json' }]);
  });
});
