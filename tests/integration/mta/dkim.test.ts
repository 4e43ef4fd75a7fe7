// A signed notice still verifies once the bundled MTA has handled it: relayed to the next hop
// (Postfix's smtp-sink playing the receiving provider, which adds its own Received header) and
// delivered to a hosted Maildir (with the Return-Path, Delivered-To, Received and X-Spam-*
// headers the MTA adds). The verifier is mailauth, not our signer; the key is the one a default
// install generates (lib/smtp/dkim-key.ts) and its record the one `npm run dkim` prints.
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCopy, prepareMime } from '../../../lib/mime/message.js';
import { dkimKey, dkimSigning, dkimTxtValue } from '../../../lib/smtp/dkim-key.js';
import { SmtpSender } from '../../../lib/smtp/sender.js';
import { nodemailerOptions, smtpClientSettings } from '../../../lib/smtp/url.js';
import { DEMO, readMailbox, startMta, startSmtpSink, tempDir, waitFor, type MtaProcess } from './helpers.js';

const DOMAIN = 'status.example.jp';
let mta: MtaProcess;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
const key = dkimKey({ enabled: true, domain: DOMAIN, selector: 'tayori', dataDir: tempDir('dkim') }, () => {})!;
const record = dkimTxtValue(key.privateKey);

beforeAll(async () => {
  sink = await startSmtpSink();
  mta = await startMta({ env: { SMTP_RELAY_URL: `smtp://127.0.0.1:${sink.port}` } });
});

afterAll(async () => {
  const code = await mta?.stop();
  await sink?.stop();
  expect(code).toBe(0);
});

async function verify(raw: string) {
  const resolver = async (name: string, type: string) => {
    if (name === `tayori._domainkey.${DOMAIN}` && type === 'TXT') return [[record]];
    throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  };
  const { results } = await dkimVerify(Buffer.from(raw, 'latin1'), { resolver });
  expect(results).toHaveLength(1);
  return results[0]!;
}

/** A notice copy as the worker builds it: Japanese, base64 parts, the list headers. */
function noticeCopy(to: string, id: string): string {
  const prepared = prepareMime({
    fromName: 'Tayori ステータス',
    fromAddress: `status@${DOMAIN}`,
    replyTo: `status@${DOMAIN}`,
    subject: '【障害発生】メール受信の遅延について(最大約45分)',
    headers: { 'List-Id': `<notices.${DOMAIN}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'Auto-Submitted': 'auto-generated' },
  });
  return buildCopy(prepared, {
    to,
    messageId: `<${id}@${DOMAIN}>`,
    date: new Date(),
    headers: { 'List-Unsubscribe': `<https://${DOMAIN}/api/unsubscribe?token=s1.1.${id}>` },
    text: 'メール受信に遅延が発生しております。現在、最大で約45分の遅延が発生しています。\r\n'.repeat(20),
    html: '<p>メール受信に遅延が発生しております。</p>'.repeat(20),
  });
}

describe('DKIM signatures through the bundled MTA', () => {
  it("a notice copy from the fan-out's sender verifies as relayed to the next hop and as delivered to a Maildir", async () => {
    const sender = new SmtpSender(`smtp://127.0.0.1:${mta.smtpPort}`, 1, dkimSigning(key), { dataDir: mta.dataDir });
    try {
      await sender.send({ from: `status@${DOMAIN}`, to: ['alice@example.net'] }, noticeCopy('alice@example.net', 'relayed'));
      await sender.send({ from: `status@${DOMAIN}`, to: [`user1@${DEMO}`] }, noticeCopy(`user1@${DEMO}`, 'hosted'));
    } finally {
      sender.close();
    }

    const relayed = await waitFor('the relayed copy at the next hop', () => sink.messages().find((m) => m.includes(`<relayed@${DOMAIN}>`)));
    // As received (smtp-sink writes it with LF line ends): the MTA's headers above the signature,
    // the next hop's in front of them.
    const mtaReceived = /^Received: from [^\r\n]*\r?\n\tby mx\.tayori\.test \(Tayori\)/m.exec(relayed);
    expect(mtaReceived, relayed.slice(0, 800)).not.toBeNull();
    expect(mtaReceived!.index).toBeLessThan(relayed.indexOf('DKIM-Signature: '));
    expect(relayed).toMatch(/^Received: from mx\.tayori\.test [^\n]*\n\tby smtp-sink/m);
    const atNextHop = await verify(relayed);
    expect(atNextHop.status.result, atNextHop.status.comment).toBe('pass');
    expect(atNextHop.signingDomain).toBe(DOMAIN);
    expect(atNextHop.status.aligned).toBe(DOMAIN);

    const delivered = await waitFor('the copy in user1', () => readMailbox(mta.dataDir, `user1@${DEMO}`).find((m) => m.includes(`<hosted@${DOMAIN}>`)));
    expect(delivered).toMatch(/^Return-Path: <status@status\.example\.jp>\r\nDelivered-To: user1@demo\.tayori\.test\r\n/);
    expect(delivered).toMatch(/^Received: from [^\r]*\r\n\tby mx\.tayori\.test \(Tayori\)/m);
    expect(delivered).toMatch(/^X-Spam-Check: /m);
    const inMailbox = await verify(delivered);
    expect(inMailbox.status.result, inMailbox.status.comment).toBe('pass');

    // The check can fail: the same mail with its subject changed on the way does not verify.
    const altered = delivered.replace(/^Subject: .*$/m, 'Subject: =?UTF-8?B?5b6p5pen?=');
    expect((await verify(altered)).status.result).not.toBe('pass');
  });

  it("a confirmation mail from the site's transport (nodemailer) verifies after the MTA relayed it", async () => {
    const transport = nodemailer.createTransport({ ...nodemailerOptions(smtpClientSettings(`smtp://127.0.0.1:${mta.smtpPort}`, mta.dataDir)), dkim: dkimSigning(key) });
    try {
      await transport.sendMail({
        from: { name: 'Tayori ステータス', address: `status@${DOMAIN}` },
        to: 'bob@example.net',
        subject: '【確認】Tayori ステータス 配信登録のご確認',
        text: '次のURLを開き、表示されるボタンを押して登録を完了してください。\nhttps://status.example.jp/subscribe/confirm?token=abc\n',
        html: '<p><a href="https://status.example.jp/subscribe/confirm?token=abc">登録を完了する</a></p>',
        textEncoding: 'base64',
        headers: { 'Auto-Submitted': 'auto-generated' },
        messageId: `<confirm@${DOMAIN}>`,
      });
    } finally {
      transport.close();
    }
    const relayed = await waitFor('the confirmation at the next hop', () => sink.messages().find((m) => m.includes(`<confirm@${DOMAIN}>`)));
    const result = await verify(relayed);
    expect(result.status.result, result.status.comment).toBe('pass');
    expect(result.status.aligned).toBe(DOMAIN);
  });
});
