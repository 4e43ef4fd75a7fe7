import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyReject, PostfixLineParser, type ParsedLine, type PostfixEvent } from './parser';
import { SyslogClock } from './timestamps';

const FIXTURE = path.resolve(import.meta.dirname, '../../tests/fixtures/postfix/maillog-postfix-3.7.log');
const fixtureLines = () => readFileSync(FIXTURE, 'utf8').split('\n').filter((l) => l !== '');

function parseAll(lines: string[]): ParsedLine[] {
  const parser = new PostfixLineParser({ year: 2026, timeZone: 'UTC' });
  return lines.map((l) => parser.parse(l));
}
const ofKind = <K extends PostfixEvent['kind']>(parsed: ParsedLine[], kind: K) =>
  parsed.map((p) => p.event).filter((e): e is Extract<PostfixEvent, { kind: K }> => e.kind === kind);

describe('the Postfix 3.7 fixture', () => {
  // Expected figures counted with grep on the fixture:
  //   grep -c 'status=sent' → 45, 'status=deferred' → 1, 'status=bounced' → 1, 'reject:' → 1,
  //   'queue active' → 47, ': removed' → 46, ' client=' → 46, 'message-id=' → 47; 331 lines.
  const parsed = parseAll(fixtureLines());
  const deliveries = ofKind(parsed, 'delivery');

  it('reads every line and understands all of them', () => {
    expect(parsed).toHaveLength(331);
    expect(ofKind(parsed, 'not_understood')).toHaveLength(0);
    expect(parsed.every((p) => p.time !== null)).toBe(true);
  });

  it('counts sent, deferred and bounced deliveries', () => {
    expect(deliveries.filter((d) => d.status === 'sent')).toHaveLength(45);
    expect(deliveries.filter((d) => d.status === 'deferred').map((d) => d.queueId)).toEqual(['49F83174641']);
    expect(deliveries.filter((d) => d.status === 'bounced').map((d) => d.queueId)).toEqual(['59C0B174691']);
    // discard for the local test domains, smtp for the relay tests
    expect(new Set(deliveries.map((d) => d.agent))).toEqual(new Set(['discard', 'smtp']));
  });

  it('counts the rejection by reason', () => {
    const rejects = ofKind(parsed, 'reject');
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ queueId: null, reason: 'unknown_recipient' });
  });

  it('reads delay and the delays=a/b/c/d stage split of specific messages', () => {
    const slow = deliveries.find((d) => d.queueId === '6B097174691')!;
    expect(slow).toMatchObject({ status: 'sent', recipient: 'd@slow.test', delay: 3, delays: { beforeQmgr: 0, inQmgr: 0, connSetup: 0, transmission: 3 } });
    const split = deliveries.find((d) => d.queueId === '77B381746D2')!;
    expect(split).toMatchObject({ delay: 0.03, delays: { beforeQmgr: 0.02, inQmgr: 0.01, connSetup: 0, transmission: 0 } });
    const deferred = deliveries.find((d) => d.queueId === '49F83174641')!;
    expect(deferred).toMatchObject({ status: 'deferred', delay: 0.01, delays: { beforeQmgr: 0, inQmgr: 0.01 } });
    // the delays= values of all sent messages, tallied with grep | sort | uniq -c
    const sentDelays = deliveries.filter((d) => d.status === 'sent').map((d) => d.delay);
    const tally = (v: number) => sentDelays.filter((d) => d === v).length;
    expect([tally(0), tally(0.01), tally(0.02), tally(0.03), tally(3)]).toEqual([7, 25, 11, 1, 1]);
  });

  it('recognises queue entry, removal and acceptance lines', () => {
    expect(ofKind(parsed, 'queued')).toHaveLength(47);
    expect(ofKind(parsed, 'removed')).toHaveLength(46);
    expect(ofKind(parsed, 'accepted')).toHaveLength(46 + 47);
  });

  it('takes connect/disconnect, start-up and bounce-notice lines as ignored, not as not understood', () => {
    const ignored = ofKind(parsed, 'ignored');
    expect(ignored).toHaveLength(331 - 45 - 2 - 1 - 47 - 46 - 93);
    expect(ignored.every((e) => e.why === 'noise')).toBe(true);
  });

  it('reads the year-less stamps in the given zone', () => {
    expect(new Date(parsed[0]!.time!).toISOString()).toBe('2026-11-29T06:32:08.000Z');
    const inTokyo = new PostfixLineParser({ year: 2026, timeZone: 'Asia/Tokyo' }).parse(fixtureLines()[0]!);
    expect(new Date(inTokyo.time!).toISOString()).toBe('2026-11-28T21:32:08.000Z');
  });
});

describe('lines the parser does not understand', () => {
  const good = 'Nov 29 06:32:11 mx1 postfix/smtp[11671]: 49F83174641: to=<b@tempfail.test>, relay=127.0.0.1[127.0.0.1]:2601, delay=0.01, delays=0/0.01/0/0, dsn=4.3.0, status=deferred (host said: 450)';
  const malformed = {
    truncated: good.slice(0, 95),
    'truncated in the stamp': 'Nov 29 06:3',
    garbage: 'lorem ipsum dolor sit amet',
    empty: '',
    binary: Buffer.from([0x4e, 0x6f, 0x76, 0x00, 0xff, 0xfe, 0x01, 0x02, 0x0a, 0x80]).toString('latin1'),
    'invalid utf-8': Buffer.from([0x4e, 0x6f, 0x76, 0x20, 0xc3, 0x28, 0xa0, 0xa1]).toString('utf8'),
    'very long': `Nov 29 06:32:11 mx1 postfix/smtp[1]: 49F83174641: to=<${'x'.repeat(1_000_000)}>, relay=none, delay=1, dsn=2.0.0, status=sent (ok)`,
    'impossible date': 'Nov 31 25:61:00 mx1 postfix/smtp[1]: 49F83174641: removed',
    'no program tag': 'Nov 29 06:32:11 mx1 this is not a syslog tag',
    'unknown postfix message': 'Nov 29 06:32:11 mx1 postfix/smtpd[1]: something Postfix never says',
    'unknown status': 'Nov 29 06:32:11 mx1 postfix/smtp[1]: 49F83174641: to=<a@b>, relay=none, delay=1, delays=0/0/0/1, dsn=2.0.0, status=teleported (x)',
  };

  for (const [name, line] of Object.entries(malformed)) {
    it(`counts a ${name} line as not understood, without throwing`, () => {
      expect(new PostfixLineParser({ year: 2026, timeZone: 'UTC' }).parse(line).event).toEqual({ kind: 'not_understood' });
    });
  }

  it('still reads the good line those were cut from', () => {
    expect(new PostfixLineParser({ year: 2026, timeZone: 'UTC' }).parse(good).event).toMatchObject({ kind: 'delivery', status: 'deferred' });
  });

  it('survives two thousand random byte strings', () => {
    const parser = new PostfixLineParser({ year: 2026, timeZone: 'UTC' });
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(rand() * 300) }, () => Math.floor(rand() * 256)));
      // half of them behind a valid stamp and tag, so the message parsers see the garbage too
      const line = (i % 2 ? 'Nov 29 06:32:11 mx1 postfix/smtpd[1]: ' : '') + bytes.toString('utf8');
      expect(() => parser.parse(line)).not.toThrow();
    }
  });
});

describe('other Postfix lines', () => {
  const parse = (message: string, tag = 'postfix/smtpd[77]') => new PostfixLineParser({ year: 2026, timeZone: 'UTC' }).parse(`Nov 29 06:32:11 mx1 ${tag}: ${message}`).event;

  it('reads deliveries from every delivery agent, with orig_to and conn_use', () => {
    for (const agent of ['smtp', 'local', 'virtual', 'lmtp', 'pipe', 'discard', 'error']) {
      expect(parse('ABCDE12345: to=<u@x.test>, orig_to=<alias@x.test>, relay=mx.x.test[192.0.2.1]:25, conn_use=2, delay=1.5, delays=0.1/0.2/0.3/0.9, dsn=2.0.0, status=sent (250 ok)', `postfix/${agent}[1]`)).toMatchObject({
        kind: 'delivery',
        agent,
        delay: 1.5,
        delays: { beforeQmgr: 0.1, inQmgr: 0.2, connSetup: 0.3, transmission: 0.9 },
      });
    }
  });

  it('captures relay= and the text after the status', () => {
    expect(parse('ABCDE12345: to=<u@x.test>, relay=mx.x.test[192.0.2.1]:25, delay=301, delays=0/300/1/0, dsn=4.4.1, status=deferred (connect to mx.x.test[192.0.2.1]:25: Connection timed out)', 'postfix/smtp[1]')).toMatchObject({
      kind: 'delivery',
      relay: 'mx.x.test[192.0.2.1]:25',
      status: 'deferred',
      detail: 'connect to mx.x.test[192.0.2.1]:25: Connection timed out',
    });
    expect(parse('ABCDE12345: to=<u@hosted.test>, relay=mail.hosted.test[private/dovecot-lmtp], delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (250 2.0.0 <u@hosted.test> Saved (in reply to end of DATA command))', 'postfix/lmtp[1]')).toMatchObject({
      relay: 'mail.hosted.test[private/dovecot-lmtp]',
      detail: '250 2.0.0 <u@hosted.test> Saved (in reply to end of DATA command)',
    });
    expect(parse('ABCDE12345: to=<u@hosted.test>, relay=local, delay=0.1, dsn=2.0.0, status=sent (delivered to mailbox)', 'postfix/local[1]')).toMatchObject({ relay: 'local', detail: 'delivered to mailbox' });
    // The fixture: discard and the smtp relay tests.
    const fixture = parseAll(fixtureLines()).map((p) => p.event).filter((e) => e.kind === 'delivery');
    expect(new Set(fixture.filter((d) => d.agent === 'discard').map((d) => d.relay))).toEqual(new Set(['none']));
    expect(fixture.find((d) => d.queueId === '49F83174641')).toMatchObject({ relay: '127.0.0.1[127.0.0.1]:2601', detail: 'host 127.0.0.1[127.0.0.1] said: 450 4.3.0 Error: command failed (in reply to end of DATA command)' });
  });

  it('reads how many recipients qmgr has for a message', () => {
    expect(parse('ABCDE12345: from=<a@b.test>, size=420, nrcpt=4 (queue active)', 'postfix/qmgr[3]')).toEqual({ kind: 'queued', queueId: 'ABCDE12345', nrcpt: 4 });
  });

  it('tells how a message came in: SMTP with or without a login, local submission, or Postfix itself', () => {
    expect(parse('ABCDE12345: client=a[192.0.2.1]')).toEqual({ kind: 'accepted', queueId: 'ABCDE12345' });
    expect(parse('ABCDE12345: client=a[192.0.2.1], sasl_method=PLAIN, sasl_username=user@hosted.test', 'postfix/submission/smtpd[3]')).toEqual({ kind: 'accepted', queueId: 'ABCDE12345', via: 'authenticated' });
    expect(parse('ABCDE12345: uid=33 from=<www-data>', 'postfix/pickup[3]')).toEqual({ kind: 'accepted', queueId: 'ABCDE12345', via: 'pickup' });
    expect(parse('ABCDE12345: message-id=<x@y>', 'postfix/cleanup[3]')).toEqual({ kind: 'accepted', queueId: 'ABCDE12345', via: 'cleanup' });
  });

  it('reads multi-instance and per-service syslog names', () => {
    expect(parse('ABCDE12345: removed', 'postfix-out/qmgr[3]')).toEqual({ kind: 'removed', queueId: 'ABCDE12345' });
    expect(parse('ABCDE12345: client=a[192.0.2.1], sasl_method=PLAIN', 'postfix/submission/smtpd[3]')).toEqual({ kind: 'accepted', queueId: 'ABCDE12345' });
  });

  it('reads long queue ids', () => {
    expect(parse('4Lx8Jq1VJfzBrR3: removed', 'postfix/qmgr[3]')).toEqual({ kind: 'removed', queueId: '4Lx8Jq1VJfzBrR3' });
  });

  it('counts an expired message as bounced and a soft bounce as deferred', () => {
    expect(parse('ABCDE12345: from=<a@b.test>, status=expired, returned to sender', 'postfix/qmgr[3]')).toEqual({ kind: 'expired', queueId: 'ABCDE12345' });
    expect(parse('ABCDE12345: to=<u@x.test>, relay=none, delay=2, delays=0/0/2/0, dsn=5.1.1, status=SOFTBOUNCE (unknown user)', 'postfix/local[3]')).toMatchObject({ status: 'deferred' });
  });

  it('does not count address-verification probes as mail', () => {
    expect(parse('ABCDE12345: to=<u@x.test>, relay=mx[192.0.2.1]:25, delay=0.2, delays=0/0/0.1/0.1, dsn=2.1.5, status=deliverable (250 2.1.5 Ok)', 'postfix/smtp[3]')).toEqual({ kind: 'ignored', why: 'noise' });
  });

  it('ignores warnings, statistics and lines from other programs', () => {
    expect(parse('warning: hostname x does not resolve to address 192.0.2.9')).toEqual({ kind: 'ignored', why: 'noise' });
    expect(parse('statistics: max connection rate 1/60s for (smtp:192.0.2.1) at Nov 29 06:32:11', 'postfix/anvil[9]')).toEqual({ kind: 'ignored', why: 'noise' });
    expect(parse('lost connection after DATA from unknown[192.0.2.1]')).toEqual({ kind: 'ignored', why: 'noise' });
    expect(parse('imap-login: Login: user=<u>', 'dovecot[5]')).toEqual({ kind: 'ignored', why: 'other_program' });
  });

  it('reads RFC 3339 stamps with their own offset', () => {
    const parser = new PostfixLineParser({ timeZone: 'America/New_York' });
    const p = parser.parse('2026-11-29T07:00:00.123456+09:00 mx1 postfix/qmgr[3]: ABCDE12345: removed');
    expect(new Date(p.time!).toISOString()).toBe('2026-11-28T22:00:00.123Z');
    expect(new Date(parser.parse('2026-11-29T07:00:00Z mx1 postfix/qmgr[3]: ABCDE12345: removed').time!).toISOString()).toBe('2026-11-29T07:00:00.000Z');
    expect(new Date(parser.parse('2026-11-29T07:00:00+0100 mx1 postfix/qmgr[3]: ABCDE12345: removed').time!).toISOString()).toBe('2026-11-29T06:00:00.000Z');
  });
});

describe('rejection reasons', () => {
  it.each([
    ['550 5.1.1 <nosuch@x.test>: Recipient address rejected: User unknown in local recipient table; from=<a@b> to=<nosuch@x.test> proto=ESMTP helo=<h>', 'unknown_recipient'],
    ['450 4.1.1 <n@x.test>: Recipient address rejected: unverified address: host said 550', 'unknown_recipient'],
    ['554 5.7.1 <x@elsewhere.test>: Relay access denied; from=<a@b> to=<x@elsewhere.test> proto=ESMTP helo=<h>', 'relay_denied'],
    ['554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.7; from=<a@b> to=<c@d> proto=ESMTP helo=<h>', 'blocklist'],
    ['554 5.7.1 <unknown[192.0.2.7]>: Client host rejected: Access denied; from=<a@b> to=<c@d> proto=ESMTP helo=<h>', 'blocklist'],
    ['504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname; from=<a@b> to=<c@d> proto=ESMTP helo=<localhost>', 'helo'],
    ['450 4.1.8 <a@nodomain.test>: Sender address rejected: Domain not found; from=<a@nodomain.test> to=<c@d> proto=ESMTP helo=<h>', 'sender'],
    ['header Subject: buy now from unknown[192.0.2.7]; from=<a@b> to=<c@d> proto=ESMTP helo=<h>: 5.7.1 message content rejected', 'content'],
    ['452 4.3.1 Insufficient system storage; from=<a@b> to=<c@d> proto=ESMTP helo=<h>', 'other'],
  ])('%s → %s', (reply, reason) => {
    expect(classifyReject(reply)).toBe(reason);
  });

  it('reads rejections from smtpd, postscreen and cleanup', () => {
    const parser = new PostfixLineParser({ year: 2026, timeZone: 'UTC' });
    expect(parser.parse('Nov 29 06:32:11 mx1 postfix/postscreen[5]: NOQUEUE: reject: RCPT from [192.0.2.7]:4711: 550 5.7.1 Service unavailable; client [192.0.2.7] blocked using zen.spamhaus.org; from=<a@b>, to=<c@d>, proto=ESMTP, helo=<h>').event).toMatchObject({ kind: 'reject', reason: 'blocklist' });
    expect(parser.parse('Nov 29 06:32:11 mx1 postfix/cleanup[5]: ABCDE12345: reject: header Subject: buy now from unknown[192.0.2.7]; from=<a@b> to=<c@d> proto=ESMTP helo=<h>: 5.7.1 message content rejected').event).toMatchObject({ kind: 'reject', queueId: 'ABCDE12345', reason: 'content' });
    expect(parser.parse('Nov 29 06:32:11 mx1 postfix/smtpd[5]: NOQUEUE: reject_warning: RCPT from x[192.0.2.7]: 554 5.7.1 Relay access denied').event).toEqual({ kind: 'ignored', why: 'noise' });
  });
});

describe('year-less stamps', () => {
  it('advance the year when the log crosses from December into January', () => {
    const clock = new SyslogClock({ year: 2025, timeZone: 'UTC' });
    const iso = (line: string) => new Date(clock.read(line)!.time).toISOString();
    expect(iso('Dec 31 23:59:59 mx1 x')).toBe('2025-12-31T23:59:59.000Z');
    expect(iso('Jan  1 00:00:01 mx1 x')).toBe('2026-01-01T00:00:01.000Z');
    expect(iso('Jan  1 00:00:02 mx1 x')).toBe('2026-01-01T00:00:02.000Z');
  });

  it('take last year for a December log read in early January', () => {
    const clock = new SyslogClock({ timeZone: 'UTC', now: () => Date.parse('2027-01-02T10:00:00Z') });
    expect(new Date(clock.read('Dec 30 12:00:00 mx1 x')!.time).toISOString()).toBe('2026-12-30T12:00:00.000Z');
    expect(new Date(clock.read('Jan  2 09:00:00 mx1 x')!.time).toISOString()).toBe('2027-01-02T09:00:00.000Z');
  });

  it('take the current year otherwise', () => {
    const clock = new SyslogClock({ timeZone: 'UTC', now: () => Date.parse('2026-11-29T10:00:00Z') });
    expect(new Date(clock.read('Nov 29 06:32:11 mx1 x')!.time).toISOString()).toBe('2026-11-29T06:32:11.000Z');
  });

  it('are read in the zone given, daylight saving time included', () => {
    const clock = new SyslogClock({ year: 2026, timeZone: 'Europe/Berlin' });
    expect(new Date(clock.read('Jul  1 12:00:00 mx1 x')!.time).toISOString()).toBe('2026-07-01T10:00:00.000Z');
    expect(new Date(clock.read('Dec  1 12:00:00 mx1 x')!.time).toISOString()).toBe('2026-12-01T11:00:00.000Z');
  });
});
