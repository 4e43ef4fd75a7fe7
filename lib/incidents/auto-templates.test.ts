import { describe, expect, it } from 'vitest';
import { autoIncidentTexts, openedText, resolvedText, titleFor } from './auto-templates';

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

describe('automatic incident texts from alerts and probes', () => {
  const dns = { nameJa: 'DNS', nameEn: 'DNS' };
  const words = autoIncidentTexts('signals');

  it('say what customers notice at each level, without any delay', () => {
    expect(words.opened(dns, 'major_outage', 0)).toEqual({ ja: 'DNSで障害が発生しております。原因を調査しております。', en: 'DNS is experiencing an outage. We are investigating.' });
    expect(words.opened(dns, 'partial_outage', 0).ja).toContain('DNSの一部で障害が発生しております');
    expect(words.opened(dns, 'degraded_performance', 0).en).toContain('DNS is experiencing degraded performance');
    for (const level of ['degraded_performance', 'partial_outage', 'major_outage'] as const) {
      const t = words.opened(dns, level, 1234);
      expect(t.ja).not.toContain('遅延');
      expect(t.en).not.toMatch(/delay|minute/);
    }
  });

  it('follow the outage as it grows, shrinks and clears, and resolve without mail figures', () => {
    expect(words.grew(dns, 'major_outage', 0).ja).toBe('DNSの障害が拡大しております。現在、DNSで障害が発生しております。');
    expect(words.shrank(dns, 'degraded_performance', 0).en).toBe('The disruption of DNS is easing: DNS is experiencing degraded performance.');
    expect(words.recovered(dns).ja).toBe('DNSは復旧しております。引き続き状況を監視しております。');
    const resolved = words.resolved(dns, 0, 0);
    expect(resolved.ja).toContain('本障害は復旧いたしました');
    expect(resolved.ja).not.toContain('メール');
    expect(resolved.en).not.toContain('mail');
    expect(words.title(dns)).toEqual({ ja: 'DNSの障害', en: 'DNS disruption' });
  });

  it('leave the mail rules their delay texts', () => {
    expect(autoIncidentTexts('mail_delay').opened(inbound, 'degraded_performance', 12 * 60).ja).toBe(openedText(inbound, 12 * 60).ja);
    expect(autoIncidentTexts(undefined).title(inbound)).toEqual(titleFor(inbound));
  });
});
