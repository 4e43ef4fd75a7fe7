import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('MTA configuration', () => {
  it('works with no variables at all', () => {
    const c = loadConfig({});
    expect(c.smtp).toMatchObject({ host: '127.0.0.1', port: 2525, maxMessageBytes: 25 * 1024 * 1024, maxRecipients: 100, reverseDns: false });
    expect(c.http).toMatchObject({ host: '127.0.0.1', port: 2580, adminToken: undefined });
    // Loopback is not trusted: the site and the notice worker log in with the submission credential.
    expect(c.policy.trustedNetworks).toEqual([]);
    expect(c.paths.submissionPasswordFile.endsWith('/data/submission-password')).toBe(true);
    expect(c.smtp).toMatchObject({ socketTimeoutMs: 300_000, sessionTimeoutMs: 1_800_000, minDataRate: 500, loopbackPlaintextAuth: true });
    expect(c.policy.authThrottle).toEqual({ delayMs: 1000, maxFailures: 5, windowMs: 900_000, blockAfter: 10 });
    expect(c.scan).toMatchObject({ policy: 'enabled', scanners: ['builtin'], scheduler: 'fair' });
    expect(c.site.url).toBe('http://127.0.0.1:3000');
    expect(c.paths.spoolDir.endsWith('/data/spool')).toBe(true);
    expect(c.delivery.relayUrl).toBeUndefined();
  });

  it('limits relayed mail per destination by default, as Postfix does, with no transport map', () => {
    const c = loadConfig({});
    expect(c.delivery.destinations).toEqual({ concurrency: 20, rateDelayMs: 0, failureLimit: 5, backoffMs: 300_000 });
    expect(c.delivery.connectionReuseLimit).toBe(100);
    expect(c.delivery.transportMap).toEqual({});
  });

  it('reads MTA_TRANSPORT_MAP as domain=smtp://host:port entries and names it when an entry is bad', () => {
    expect(loadConfig({ MTA_TRANSPORT_MAP: ' Gmail.test=smtp://127.0.0.1:2601 , yahoo.test=smtps://mx.yahoo.test:465' }).delivery.transportMap).toEqual({
      'gmail.test': 'smtp://127.0.0.1:2601',
      'yahoo.test': 'smtps://mx.yahoo.test:465',
    });
    for (const bad of ['gmail.test', 'gmail.test=http://x', '=smtp://127.0.0.1:25', 'gmail.test=smtp://']) {
      expect(() => loadConfig({ MTA_TRANSPORT_MAP: bad }), bad).toThrow(/MTA_TRANSPORT_MAP/);
    }
    expect(() => loadConfig({ MTA_DESTINATION_CONCURRENCY: '0' })).toThrow(/MTA_DESTINATION_CONCURRENCY/);
  });

  it('pushes rollups to the site started next to it unless SITE_URL says otherwise', () => {
    expect(loadConfig({ PORT: '3100', HOST: '0.0.0.0' }).site.url).toBe('http://127.0.0.1:3100');
    expect(loadConfig({ PORT: '3100', SITE_URL: 'https://status.example.jp/' }).site.url).toBe('https://status.example.jp');
  });

  it("keeps its data next to the site's (DATA_DIR) unless MTA_DATA_DIR says otherwise", () => {
    expect(loadConfig({ DATA_DIR: '/srv/tayori' }).paths.ingestTokenFile).toBe('/srv/tayori/ingest-token');
    expect(loadConfig({ DATA_DIR: '/srv/tayori', MTA_DATA_DIR: '/srv/mta' }).paths.mailDir).toBe('/srv/mta/mail');
  });

  it('names the variable when a value is bad', () => {
    expect(() => loadConfig({ SMTP_PORT: 'seventy' })).toThrow(/SMTP_PORT/);
    expect(() => loadConfig({ MTA_SCAN_POLICY: 'off' })).toThrow(/MTA_SCAN_POLICY/);
    expect(() => loadConfig({ MTA_SCANNER: 'builtin,norton' })).toThrow(/MTA_SCANNER/);
    expect(() => loadConfig({ MTA_REVERSE_DNS: 'maybe' })).toThrow(/MTA_REVERSE_DNS/);
    expect(() => loadConfig({ MTA_ADMIN_TOKEN: 'short' })).toThrow(/MTA_ADMIN_TOKEN/);
    expect(() => loadConfig({ MTA_TLS_KEY: '/k.pem' })).toThrow(/MTA_TLS_KEY and MTA_TLS_CERT/);
    expect(() => loadConfig({ MTA_SPAM_JUNK_SCORE: '10', MTA_SPAM_REJECT_SCORE: '5' })).toThrow(/MTA_SPAM_REJECT_SCORE/);
    expect(() => loadConfig({ MTA_BLOCKLIST: 'sometimes' })).toThrow(/MTA_BLOCKLIST/);
    expect(() => loadConfig({ MTA_AUTO_BLOCK_MESSAGES_PER_MINUTE: '-1' })).toThrow(/MTA_AUTO_BLOCK_MESSAGES_PER_MINUTE/);
    expect(() => loadConfig({ MTA_AUTO_BLOCK_REJECTED_RECIPIENTS_PER_MINUTE: '2.5' })).toThrow(/MTA_AUTO_BLOCK_REJECTED_RECIPIENTS_PER_MINUTE/);
    expect(() => loadConfig({ MTA_AUTO_BLOCK_MINUTES: '0' })).toThrow(/MTA_AUTO_BLOCK_MINUTES/);
    expect(() => loadConfig({ MTA_SUBMISSION_PASSWORD: 'short' })).toThrow(/MTA_SUBMISSION_PASSWORD/);
    expect(() => loadConfig({ MTA_AUTH_MAX_FAILURES: 'many' })).toThrow(/MTA_AUTH_MAX_FAILURES/);
    expect(() => loadConfig({ MTA_MIN_DATA_RATE: '-5' })).toThrow(/MTA_MIN_DATA_RATE/);
  });

  it('parses lists and switches, and can model the 2014 setup', () => {
    const c = loadConfig({ MTA_SCANNER: 'spamd, clamd', MTA_RECIPIENT_VERIFICATION: 'off', MTA_SCHEDULER: 'fifo', MTA_TRUSTED_NETWORKS: '10.0.0.0/8, 192.0.2.1' });
    expect(c.scan.scanners).toEqual(['spamd', 'clamd']);
    expect(c.policy.recipientVerification).toBe(false);
    expect(c.scan.scheduler).toBe('fifo');
    expect(c.policy.trustedNetworks).toEqual(['10.0.0.0/8', '192.0.2.1']);
  });

  it('blocks flooding clients automatically unless switched off; no blocklist means no automatic blocks', () => {
    expect(loadConfig({}).policy).toMatchObject({ blocklist: true, autoBlock: { enabled: true, messagesPerMinute: 60, rejectedRecipientsPerMinute: 10, durationMs: 3_600_000 } });
    expect(loadConfig({ MTA_AUTO_BLOCK_MINUTES: '0.05' }).policy.autoBlock.durationMs).toBe(3000);
    expect(loadConfig({ MTA_AUTO_BLOCK: 'off' }).policy.autoBlock.enabled).toBe(false);
    expect(loadConfig({ MTA_AUTO_BLOCK_MESSAGES_PER_MINUTE: '0', MTA_AUTO_BLOCK_REJECTED_RECIPIENTS_PER_MINUTE: '0', MTA_AUTO_BLOCK_AUTH_FAILURES: '0' }).policy.autoBlock.enabled).toBe(false);
    expect(loadConfig({ MTA_AUTO_BLOCK_MESSAGES_PER_MINUTE: '0', MTA_AUTO_BLOCK_REJECTED_RECIPIENTS_PER_MINUTE: '0' }).policy.autoBlock).toMatchObject({ enabled: true, authFailures: 10 });
    expect(loadConfig({ MTA_BLOCKLIST: 'off' }).policy).toMatchObject({ blocklist: false, autoBlock: { enabled: false } });
  });
});
