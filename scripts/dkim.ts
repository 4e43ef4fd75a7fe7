// npm run dkim — the DNS records to publish so that receiving providers trust the site's notices:
// the DKIM public key (the key is generated under DATA_DIR if it does not exist yet), SPF and
// DMARC. Reads the same settings as the site and the worker (DKIM_*, SITE_URL,
// NOTICE_FROM_ADDRESS, SMTP_URL, DATA_DIR). Never prints the private key.
import { env } from '../lib/env';
import { dkimTxtValue } from '../lib/smtp/dkim-key';
import { bindTxtRecord, dmarcValue, publicAddressMechanisms, spfValue, txtRecordLine } from '../lib/smtp/dns-records';
import { configuredDkimKey } from '../lib/smtp/transport';
import { isLoopbackHost } from '../lib/smtp/url';

const key = configuredDkimKey((line) => console.error(line));
if (!key) {
  console.log('DKIM signing is off (DKIM_ENABLED=false): notices leave unsigned and there is no DKIM record to publish.');
  console.log('DKIM 署名は無効です (DKIM_ENABLED=false)。公開する DKIM レコードはありません。');
  process.exit(0);
}

const domain = key.domainName;
const dkimName = `${key.keySelector}._domainkey.${domain}`;
const dkimValue = dkimTxtValue(key.privateKey);
const smtpHost = new URL(env.SMTP_URL).hostname.replace(/^\[|\]$/g, '');
// The bundled MTA on this host sends the notices out itself (unless its SMTP_RELAY_URL hands them
// to a smarthost); another SMTP_URL is a relay whose operator says what SPF must name.
const viaRelay = !isLoopbackHost(smtpHost);
const addresses = viaRelay ? [] : publicAddressMechanisms();
const spfMechanisms = viaRelay ? [`include:<the SPF domain of ${smtpHost}>`] : addresses.length ? addresses : ['ip4:<the public IPv4 address notices leave from>'];

const out: string[] = [];
const say = (...lines: string[]) => out.push(...lines);

if (/(^|\.)localhost$/i.test(domain) || !/^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z][a-z0-9-]*$/i.test(domain)) {
  console.error('warning: notices come from "localhost" (SITE_URL is not a public domain): these records cannot be published. Set SITE_URL to the site\'s public URL (or NOTICE_FROM_ADDRESS / DKIM_DOMAIN) and run this again.');
  console.error('警告: 通知の送信元ドメインが localhost です。SITE_URL (または NOTICE_FROM_ADDRESS / DKIM_DOMAIN) を公開ドメインにしてから再実行してください。');
}

say(
  `Notices from ${domain} are signed with DKIM selector "${key.keySelector}"${key.file ? ` (key: ${key.file})` : ' (key: DKIM_PRIVATE_KEY)'}.`,
  `${domain} からの通知はセレクタ「${key.keySelector}」で DKIM 署名されます。`,
  '',
  '1. DKIM: the public key receivers check the signature with. / 署名の検証に使われる公開鍵。',
  txtRecordLine(dkimName, dkimValue),
  '',
  '   The value is longer than 255 bytes: DNS providers\' web forms take it as above; in a BIND zone',
  '   file it must be split into strings of at most 255 bytes, like this (the same record):',
  '   値が 255 バイトを超えるため、BIND のゾーンファイルでは次のように分割して記述します (同じレコードです)。',
  bindTxtRecord(dkimName, dkimValue),
  '',
  `2. SPF: the hosts that may send mail for ${domain} (the envelope sender's domain). / 送信を許可するサーバー。`,
  txtRecordLine(domain, spfValue(spfMechanisms)),
  '',
  viaRelay
    ? `   Notices go out through ${smtpHost} (SMTP_URL): name it as its operator documents. / SMTP_URL の中継先が示す記述に置き換えてください。`
    : addresses.length
      ? '   The addresses are this host\'s public ones; if the bundled MTA relays through a smarthost (SMTP_RELAY_URL), name that instead. / このホストの公開アドレスです。スマートホスト経由なら、そのサーバーを記述してください。'
      : '   Fill in the address receivers see this host send from (it has no public address of its own). / 受信側から見える送信元アドレスを記入してください。',
  `   A domain has one SPF record: if ${domain} already has one, add the mechanisms to it. / 既存の SPF レコードがあれば、そこに追加してください。`,
  '',
  '3. DMARC: what receivers do with mail that fails both checks, and where they send reports. / 認証失敗時の扱いとレポート送付先。',
  txtRecordLine(`_dmarc.${domain}`, dmarcValue(`dmarc-reports@${domain}`)),
  '',
  '   Use an address that receives mail; start with p=none, move to p=quarantine or p=reject once the',
  '   reports show every legitimate sender passing. / 受信できるアドレスを指定し、レポートで問題がないことを確認してから p=quarantine / p=reject に強めてください。',
);
console.log(out.join('\n'));
