import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildCopy, encodeSharedHead, mailDate, prepareMime } from './message';

describe('notice copies', () => {
  const prepared = prepareMime({
    fromName: 'Tayori ステータス',
    fromAddress: 'status@tayori.test',
    replyTo: 'support@tayori.test',
    subject: '【障害発生】メール受信の遅延',
    headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  });

  it('parse back to the same Japanese subject, sender, bodies and headers', async () => {
    const raw = buildCopy(prepared, {
      to: 'alice@example.test',
      messageId: '<n1.s1@tayori.test>',
      date: new Date('2014-12-02T02:00:00Z'),
      headers: { 'List-Unsubscribe': '<https://status.example/api/unsubscribe?token=s1.1.x>, <mailto:status@tayori.test?subject=unsubscribe>' },
      text: 'メール受信に遅延が発生しております。\r\n'.repeat(40),
      html: '<p>メール受信に遅延が発生しております。</p>',
    });
    expect(raw.split('\r\n').every((line) => line.length <= 998)).toBe(true);
    expect(raw).not.toMatch(/[^\r]\n/);
    expect(raw).toMatch(/^Subject: =\?UTF-8\?B\?/m);
    const mail = await simpleParser(raw);
    expect(mail.subject).toBe('【障害発生】メール受信の遅延');
    expect(mail.from?.value[0]).toEqual({ name: 'Tayori ステータス', address: 'status@tayori.test' });
    expect(mail.messageId).toBe('<n1.s1@tayori.test>');
    expect(mail.date?.toISOString()).toBe('2014-12-02T02:00:00.000Z');
    expect(mail.text).toContain('メール受信に遅延が発生しております。');
    expect(mail.html).toContain('<p>メール受信に遅延が発生しております。</p>');
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
  });

  it('encodes a shared beginning once and gives every copy exactly the text it was built from', async () => {
    for (const head of ['', 'a', 'メール受信の遅延\r\n'.repeat(7), '<p>復旧しました</p><br>', 'x'.repeat(57), 'y'.repeat(114)]) {
      const tail = 'Unsubscribe: https://status.example/unsubscribe?token=s1.1.abc\r\n';
      const raw = buildCopy(prepared, { to: 'a@b.test', messageId: '<m@x>', date: new Date(), headers: {}, text: { head: encodeSharedHead(head), tail }, html: '<p>x</p>' });
      expect(raw.split('\r\n').every((line) => line.length <= 76 || !/^[A-Za-z0-9+/=]+$/.test(line))).toBe(true);
      const mail = await simpleParser(raw);
      // Nothing is added: no padding, so no trailing spaces in a reader's text.
      expect(mail.text).toBe((head + tail).replace(/\r\n/g, '\n'));
      const part = /Content-Type: text\/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n([A-Za-z0-9+/=\r\n]+?)\r\n--/.exec(raw)![1]!;
      expect(Buffer.from(part.replace(/\r\n/g, ''), 'base64').toString('utf8')).toBe(head + tail);
    }
  });

  it('refuses line breaks in header-bound values', () => {
    expect(() => buildCopy(prepared, { to: 'a@b.test\r\nBcc: x@y.test', messageId: '<m@x>', date: new Date(), headers: {}, text: '', html: '' })).toThrow(/line breaks/);
    expect(() => prepareMime({ fromName: 'x\r\nBcc: y', fromAddress: 'a@b.test', replyTo: 'a@b.test', subject: 's', headers: {} })).toThrow(/line breaks/);
  });

  it('writes RFC 5322 dates', () => {
    expect(mailDate(new Date('2014-12-02T02:00:00Z'))).toBe('Tue, 02 Dec 2014 02:00:00 +0000');
  });
});
