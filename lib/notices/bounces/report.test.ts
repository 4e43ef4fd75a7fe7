import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBounce } from '../../../mta/deliver/dsn';
import { parseBounceReport, reportBlocks } from './report';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name));
const VERP1 = 'bounces+cm4subscriber0000000000001.abc123.0123456789abcdef@status.example.com';

describe('reading what comes back to a notice’s return path', () => {
  it('a Postfix bounce (user unknown) is a hard bounce, addressed to the return path, naming the original Message-ID', async () => {
    const report = await parseBounceReport(fixture('postfix-dsn-5.1.1.eml'));
    expect(report.kind).toBe('hard');
    expect(report.diagnostic).toBe('5.1.1 smtp; 550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown in virtual mailbox table');
    expect(report.returnPaths).toContain(VERP1);
    expect(report.originalMessageId).toBe('cm4notice0000000000000abc123.cm4subscriber0000000000001@status.example.com');
  });

  it('Gmail’s delay notification is a soft bounce', async () => {
    const report = await parseBounceReport(fixture('gmail-dsn-delayed.eml'));
    expect(report.kind).toBe('soft');
    expect(report.diagnostic).toBe('4.7.0 smtp; 421 4.7.0 Try again later, closing connection.');
    expect(report.returnPaths).toContain('bounces+cm4subscriber0000000000002.abc123.fedcba9876543210@status.example.com');
    expect(report.originalMessageId).toBe('cm4notice0000000000000abc123.cm4subscriber0000000000002@status.example.com');
  });

  it('an ARF abuse report is a complaint, found by Original-Mail-From and the returned Return-Path though sent to another address', async () => {
    const report = await parseBounceReport(fixture('arf-abuse.eml'));
    expect(report.kind).toBe('complaint');
    expect(report.diagnostic).toBe('feedback-type abuse');
    expect(report.returnPaths).toContain('fbl@status.example.com');
    expect(report.returnPaths.filter((a) => a.startsWith('bounces+'))).toEqual([
      'bounces+cm4subscriber0000000000003.abc123.00112233445566ff@status.example.com',
      'bounces+cm4subscriber0000000000003.abc123.00112233445566ff@status.example.com',
    ]);
    expect(report.originalMessageId).toBe('cm4notice0000000000000abc123.cm4subscriber0000000000003@status.example.com');
    const notAbuse = fixture('arf-abuse.eml').toString('latin1').replace('Feedback-Type: abuse', 'Feedback-Type: not-spam');
    expect((await parseBounceReport(notAbuse)).kind).toBeNull();
  });

  it('the bundled MTA’s own DSN (mta/deliver/dsn.ts) reads as a hard bounce, and a 4.x.x failure as a soft one', async () => {
    const dsn = (status: string, diagnostic: string) =>
      buildBounce({
        hostname: 'mx.tayori.test',
        queueId: 'Q1',
        sender: VERP1,
        arrivalDate: new Date('2026-12-06T01:02:10Z'),
        failed: [{ address: 'gone@example.net', status, diagnostic }],
        originalHeaders: 'From: status@status.example.com\r\nMessage-ID: <n1.s1@Status.Example.com>\r\nSubject: x\r\n',
      });
    const hard = await parseBounceReport(Buffer.concat([Buffer.from(`Return-Path: <>\r\nDelivered-To: ${VERP1}\r\n`), dsn('5.1.1', '550 5.1.1 <gone@example.net>: no such user')]));
    expect(hard).toEqual({ kind: 'hard', diagnostic: '5.1.1 smtp; 550 5.1.1 <gone@example.net>: no such user', returnPaths: [VERP1, VERP1], originalMessageId: 'n1.s1@status.example.com' });
    expect((await parseBounceReport(dsn('4.4.7', 'delivery time expired'))).kind).toBe('soft');
  });

  it('anything else is nothing to act on: an auto-reply, a success notification, a report with no status', async () => {
    expect((await parseBounceReport(fixture('auto-reply.eml'))).kind).toBeNull();
    const delivered = fixture('postfix-dsn-5.1.1.eml').toString('latin1').replace('Action: failed', 'Action: delivered').replace('Status: 5.1.1', 'Status: 2.0.0');
    expect((await parseBounceReport(delivered)).kind).toBeNull();
    // A plain text message that merely says "Action: failed / Status: 5.1.1" is not a report.
    expect((await parseBounceReport('To: x@y\r\n\r\nAction: failed\r\nStatus: 5.1.1\r\n')).kind).toBeNull();
  });

  it('reads status fields as RFC 3464 writes them: blocks, folded lines, names in any case', () => {
    expect(reportBlocks('Reporting-MTA: dns; a\r\n\r\nfinal-recipient: rfc822; x@y\r\nDIAGNOSTIC-CODE: smtp; 550\r\n  folded\r\n')).toEqual([
      [['reporting-mta', 'dns; a']],
      [
        ['final-recipient', 'rfc822; x@y'],
        ['diagnostic-code', 'smtp; 550 folded'],
      ],
    ]);
  });
});
