import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import { describe, expect, it } from 'vitest';
import { dkimSign } from './dkim-sign';

// The fan-out's own DKIM signer, checked by mailauth on messages whose canonical form differs from
// what was written: folded and oddly spaced headers, trailing blanks, empty last lines, LF line ends.

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const record = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
const settings = { domainName: 'status.example.jp', keySelector: 'tayori', privateKey: createPrivateKey(privateKey.export({ type: 'pkcs1', format: 'pem' })) };

async function verify(message: string) {
  const resolver = async (name: string) => {
    if (name === 'tayori._domainkey.status.example.jp') return [[record]];
    throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
  };
  const { results } = await dkimVerify(Buffer.from(message, 'utf8'), { resolver });
  return results[0]!.status;
}

const message = [
  'From: "Tayori Status" <status@status.example.jp>',
  'To:  alice@example.net ',
  'Subject: =?UTF-8?B?44CQ6Zqc5a6z55m655Sf44CR44Oh44O844Or5Y+X5L+h44Gu6YGF5bu2?=',
  ' =?UTF-8?B?44Gr44Gk44GE44Gm?=',
  'Message-ID:\t<n1.s1@status.example.jp>',
  'List-Unsubscribe: <https://status.example.jp/api/unsubscribe?token=a>',
  'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
  'X-Not-Signed: anything',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'line with trailing blanks  \t',
  'two  spaces\tand a tab',
  '',
  '',
  '',
].join('\r\n');

describe('dkimSign', () => {
  it('signs so that an independent verifier passes it, whitespace and folding included', async () => {
    const signed = await dkimSign(message, settings);
    expect(signed.startsWith('DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=status.example.jp;')).toBe(true);
    expect(signed.split('\r\n').every((line) => line.length <= 78 || !line.startsWith(' b='))).toBe(true);
    expect(/ h=([^;]+);/.exec(signed)![1]).toBe('from:subject:message-id:to:content-type:list-unsubscribe:list-unsubscribe-post');
    expect(await verify(signed)).toMatchObject({ result: 'pass', aligned: 'status.example.jp' });
  });

  it('still passes after relays add headers in front and refold nothing they sign; fails when they change a signed one', async () => {
    const signed = await dkimSign(message, settings);
    const relayed = `Received: from mx.tayori.test\r\n\tby mx.example.net; Sun, 06 Dec 2026 15:00:00 +0000\r\nX-Spam-Check: done\r\n${signed}`;
    expect((await verify(relayed)).result).toBe('pass');
    expect((await verify(relayed.replace('To:  alice@example.net', 'To: mallory@example.net'))).result).not.toBe('pass');
    expect((await verify(relayed.replace('two  spaces', 'two  spices'))).result).not.toBe('pass');
  });

  it('signs the last of repeated headers, and a message written with LF line ends goes out with CRLF', async () => {
    const twice = message.replace('X-Not-Signed: anything', 'Subject: a later subject');
    const signed = await dkimSign(twice.replace(/\r\n/g, '\n'), settings);
    expect(signed).not.toMatch(/[^\r]\n/);
    expect((await verify(signed)).result).toBe('pass');
    // A verifier reads the last Subject; changing it breaks the signature, changing the first does not.
    expect((await verify(signed.replace('Subject: a later subject', 'Subject: another')))).toMatchObject({ result: 'fail' });
  });
});
