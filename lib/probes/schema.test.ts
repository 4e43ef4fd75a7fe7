import { describe, expect, it } from 'vitest';
import { validateProbe } from './schema';
import { probeProblemText } from './problem-text';

const base = { componentId: 'c1', intervalS: 60, timeoutS: 10 };
const problems = (input: Record<string, unknown>) => {
  const result = validateProbe({ ...base, ...input });
  return result.ok ? [] : result.issues.map((i) => `${i.field}:${i.problem}`);
};

describe('probe validation', () => {
  it('accepts well-formed targets of every kind, private addresses included', () => {
    expect(problems({ kind: 'http', target: 'https://status.example.jp/health' })).toEqual([]);
    expect(problems({ kind: 'http', target: 'http://10.0.0.5:8080/' })).toEqual([]);
    expect(problems({ kind: 'tcp', target: '192.168.1.10:22' })).toEqual([]);
    expect(problems({ kind: 'tcp', target: '[::1]:5432' })).toEqual([]);
    expect(problems({ kind: 'dns', target: 'www.example.jp', settings: { recordType: 'A', expected: '192.0.2.1', resolver: '127.0.0.1:5353' } })).toEqual([]);
    expect(problems({ kind: 'dns', target: '_dmarc.example.jp', settings: { recordType: 'TXT' } })).toEqual([]);
    expect(problems({ kind: 'smtp', target: 'mx1.example.jp', settings: { tls: 'starttls', user: 'u@example.jp', password: 'p' } })).toEqual([]);
    expect(problems({ kind: 'pop3', target: 'pop.example.jp:995', settings: { tls: 'implicit' } })).toEqual([]);
  });

  it('fills defaults: status 200–399, two confirmations', () => {
    const result = validateProbe({ ...base, kind: 'http', target: 'https://example.jp/' });
    expect(result.ok && result.probe.settings).toMatchObject({ expectStatus: '200-399', keyword: '', certMinDays: 0, confirmations: 2 });
  });

  it('refuses malformed targets with a reason for each', () => {
    expect(problems({ kind: 'tcp', target: '' })).toEqual(['target:targetNoHost']);
    expect(problems({ kind: 'tcp', target: ':25' })).toEqual(['target:targetNoHost']);
    expect(problems({ kind: 'tcp', target: 'mail.example.jp' })).toEqual(['target:targetNoPort']);
    expect(problems({ kind: 'tcp', target: 'mail.example.jp:70000' })).toEqual(['target:targetBadPort']);
    expect(problems({ kind: 'smtp', target: 'mail.example.jp:smtp' })).toEqual(['target:targetBadPort']);
    expect(problems({ kind: 'smtp', target: 'mail_server!:25' })).toEqual(['target:targetBadHost']);
    expect(problems({ kind: 'imap', target: 'imap://mail.example.jp' })).toEqual(['target:targetScheme']);
    expect(problems({ kind: 'http', target: 'ftp://files.example.jp/' })).toEqual(['target:targetScheme']);
    expect(problems({ kind: 'http', target: 'example.jp/health' })).toEqual(['target:targetNotUrl']);
    expect(problems({ kind: 'http', target: 'http://exa mple.jp/' })).toEqual(['target:targetNotUrl']);
    expect(problems({ kind: 'dns', target: 'not a name' })).toEqual(['target:targetNotDnsName']);
    expect(problems({ kind: 'dns', target: '-bad-.example.jp' })).toEqual(['target:targetNotDnsName']);
  });

  it('refuses bad settings and timings', () => {
    expect(problems({ kind: 'http', target: 'https://example.jp/', settings: { expectStatus: '2xx' } })).toEqual(['settings.expectStatus:expectStatus']);
    expect(problems({ kind: 'dns', target: 'example.jp', settings: { resolver: 'dns.example.jp' } })).toEqual(['settings.resolver:resolver']);
    expect(problems({ kind: 'dns', target: 'example.jp', settings: { recordType: 'SRV' } })).toEqual(['settings.recordType:recordType']);
    expect(problems({ kind: 'smtp', target: 'mx.example.jp', settings: { password: 'secret' } })).toEqual(['settings.user:passwordWithoutUser']);
    expect(problems({ kind: 'tcp', target: 'h.example.jp:1', timeoutS: 60, intervalS: 30 })).toEqual(['timeoutS:timeoutAboveInterval']);
    expect(problems({ kind: 'tcp', target: 'h.example.jp:1', settings: { confirmations: 0 } })).toEqual(['settings.confirmations:confirmations']);
  });

  it('words every problem in Japanese and English', () => {
    const result = validateProbe({ ...base, kind: 'http', target: 'gopher://x/' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(probeProblemText(result.issues[0].problem, 'ja')).toMatch(/http/);
    expect(probeProblemText(result.issues[0].problem, 'en')).toMatch(/http:\/\/ or https:\/\//);
  });
});
