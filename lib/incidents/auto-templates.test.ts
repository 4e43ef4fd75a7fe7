import { describe, expect, it } from 'vitest';
import { openedText, resolvedText, titleFor } from './auto-templates';

const inbound = { nameJa: 'メール受信', nameEn: 'Mail reception' };

describe('automatic incident texts', () => {
  it('fill in the measured delay in both languages', () => {
    const t = openedText(inbound, 12 * 60 + 20);
    expect(t.ja).toContain('メール受信に遅延が発生しております。現在、最大で約12分の遅延が発生しています。');
    expect(t.en).toContain('delayed by up to about 12 minutes');
  });

  it('say hours the way people do', () => {
    expect(openedText(inbound, 90 * 60).ja).toContain('約1時間30分');
    expect(openedText(inbound, 90 * 60).en).toContain('about 1 h 30 min');
  });

  it('report the maximum delay and messages affected on resolution', () => {
    const t = resolvedText(inbound, 3600, 1234);
    expect(t.ja).toContain('最大遅延は約1時間');
    expect(t.ja).toContain('1,234通');
    expect(t.en).toContain('1,234 messages were delayed');
  });

  it('name the component in the title', () => {
    expect(titleFor(inbound)).toEqual({ ja: 'メール受信の遅延', en: 'Delays in mail reception' });
  });
});
