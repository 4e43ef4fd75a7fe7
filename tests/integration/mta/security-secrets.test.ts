// Secrets stay secret: the tokens and the submission credential the MTA generates are written to
// owner-only files and the log says where they are, never what they are. Certificates are
// verified: the MTA's smarthost relay and the site's notice SMTP client refuse a server whose
// certificate they cannot trust, unless given its CA (tls_ca=) or told not to check (tls_verify=false).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpSender } from '../../../lib/smtp/sender.js';
import { nodemailerOptions, smtpClientSettings } from '../../../lib/smtp/url.js';
import { openSession, selfSignedCertificate, startMta, submissionPassword, tempDir, waitFor, type MtaProcess } from './helpers.js';

describe('generated secrets', () => {
  it('are written to owner-only files and never printed, on the first start or later', async () => {
    const dataDir = tempDir('secrets');
    // No admin token configured; rollups on (to a site that is not there), so the ingest token is made too.
    const env = { MTA_ADMIN_TOKEN: '', MTA_ROLLUP_PUSH: 'on', SITE_URL: 'http://127.0.0.1:9' };
    const first = await startMta({ dataDir, env });
    const files = { admin: path.join(dataDir, 'mta', 'admin-token'), ingest: path.join(dataDir, 'ingest-token'), submission: path.join(dataDir, 'submission-password') };
    const secrets = Object.values(files).map((file) => fs.readFileSync(file, 'utf8').trim());
    expect(await first.stop()).toBe(0);
    for (const file of Object.values(files)) expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(first.output()).toContain(files.admin);
    expect(first.output()).toContain(files.submission);

    // A file someone made readable to all is made owner-only again at the next start.
    fs.chmodSync(files.admin, 0o644);
    const second = await startMta({ dataDir, env });
    expect(await second.stop()).toBe(0);
    expect(fs.statSync(files.admin).mode & 0o777).toBe(0o600);
    expect(second.output()).toContain(files.admin);

    for (const output of [first.output(), second.output()]) {
      for (const secret of secrets) expect(output).not.toContain(secret);
    }
  });
});

/** An SMTP server with a self-signed certificate: implicit TLS, optional AUTH, records what it gets. */
async function tlsServer() {
  const { key, cert } = selfSignedCertificate('relay.tayori.test');
  const received: Array<{ user?: string; raw: string }> = [];
  const logins: string[] = [];
  const server = new SMTPServer({
    secure: true,
    key: fs.readFileSync(key),
    cert: fs.readFileSync(cert),
    logger: false,
    authOptional: true,
    onAuth(auth, _session, callback) {
      logins.push(auth.username ?? '');
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('latin1')));
      stream.on('end', () => {
        received.push({ user: session.user as string | undefined, raw });
        callback();
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.server.address() as net.AddressInfo).port, cert, received, logins, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let server: Awaited<ReturnType<typeof tlsServer>>;

beforeAll(async () => {
  server = await tlsServer();
});

afterAll(async () => {
  await server?.close();
});

describe("the MTA's smarthost relay", () => {
  const mtas: MtaProcess[] = [];
  afterAll(async () => {
    for (const m of mtas) await m.stop();
  });

  /** Relays one message through a fresh MTA with this SMTP_RELAY_URL; the test client is trusted to relay. */
  async function relayThrough(relayUrl: string, id: string): Promise<MtaProcess> {
    const mta = await startMta({ env: { SMTP_RELAY_URL: relayUrl, MTA_TRUSTED_NETWORKS: '127.0.0.1/32', MTA_BACKOFF_MIN_S: '3600' } });
    mtas.push(mta);
    const { smtp } = await openSession(mta.smtpPort, 'app.example', '127.0.0.1');
    expect(await smtp.command('MAIL FROM:<app@example.org>')).toBe('250 2.1.0 Accepted');
    expect(await smtp.command('RCPT TO:<customer@example.com>')).toBe('250 2.1.5 Accepted');
    expect(await smtp.command('DATA')).toBe('354 End data with <CR><LF>.<CR><LF>');
    expect(await smtp.command(`Subject: relay\r\nMessage-ID: <${id}@example.org>\r\n\r\nx\r\n.`)).toMatch(/^250 /);
    smtp.close();
    return mta;
  }

  it('defers mail to a smarthost whose certificate it cannot verify', async () => {
    const mta = await relayThrough(`smtps://relay:secret@127.0.0.1:${server.port}`, 'untrusted');
    const error = await waitFor('the deferral', async () => (await mta.api('GET', '/api/queue')).json.messages?.[0]?.last_error as string | undefined);
    expect(error).toMatch(/certificate/i);
    expect(server.received.some((m) => m.raw.includes('<untrusted@example.org>'))).toBe(false);
    expect(server.logins).toEqual([]);
  });

  it('relays once given the CA of that certificate (tls_ca=)', async () => {
    await relayThrough(`smtps://relay:secret@127.0.0.1:${server.port}?tls_ca=${encodeURIComponent(server.cert)}`, 'with-ca');
    const got = await waitFor('the relayed message', () => server.received.find((m) => m.raw.includes('<with-ca@example.org>')));
    expect(got.user).toBe('relay');
  });

  it('relays without checking only when told to (tls_verify=false, for test servers)', async () => {
    await relayThrough(`smtps://relay:secret@127.0.0.1:${server.port}?tls_verify=false`, 'unchecked');
    await waitFor('the relayed message', () => server.received.find((m) => m.raw.includes('<unchecked@example.org>')));
  });
});

describe("the site's notice SMTP client", () => {
  const copy = (id: string) => `Subject: notice\r\nMessage-ID: <${id}@tayori.test>\r\n\r\nhello\r\n`;

  it('refuses a server whose certificate it cannot verify, before sending the password', async () => {
    const sender = new SmtpSender(`smtps://notices:secret@127.0.0.1:${server.port}`, 1, null, { dataDir: tempDir('site') });
    const error = await sender.send({ from: 'status@tayori.test', to: ['a@example.com'] }, copy('unverified')).catch((e) => e as Error);
    sender.close();
    expect(String(error)).toMatch(/certificate/i);
    expect(server.logins).not.toContain('notices');

    const transport = nodemailer.createTransport(nodemailerOptions(smtpClientSettings(`smtps://notices:secret@127.0.0.1:${server.port}`, tempDir('site'))));
    await expect(transport.sendMail({ from: 'status@tayori.test', to: 'a@example.com', subject: 'x', text: 'x' })).rejects.toThrow(/certificate/i);
    transport.close();
    expect(server.logins).not.toContain('notices');
  });

  it('sends once given the CA (tls_ca=), or when told not to check (tls_verify=false)', async () => {
    for (const [query, id] of [[`tls_ca=${encodeURIComponent(server.cert)}`, 'site-ca'], ['tls_verify=false', 'site-unchecked']] as const) {
      const url = `smtps://notices:secret@127.0.0.1:${server.port}?${query}`;
      const sender = new SmtpSender(url, 1, null, { dataDir: tempDir('site') });
      await sender.send({ from: 'status@tayori.test', to: ['a@example.com'] }, copy(`${id}-worker`));
      sender.close();
      const transport = nodemailer.createTransport(nodemailerOptions(smtpClientSettings(url, tempDir('site'))));
      await transport.sendMail({ from: 'status@tayori.test', to: 'a@example.com', subject: 'x', text: 'x', messageId: `<${id}-site@tayori.test>` });
      transport.close();
      for (const which of ['worker', 'site']) expect(server.received.find((m) => m.raw.includes(`<${id}-${which}@tayori.test>`))?.user).toBe('notices');
    }
  });

  it('upgrades to TLS over the network and verifies it there too; on loopback plain SMTP needs no certificate', () => {
    const remote = smtpClientSettings('smtp://notices:secret@mail.example.net:587', tempDir('site'));
    expect(remote).toMatchObject({ secure: false, startTls: true, requireTls: true, tls: { rejectUnauthorized: true } });
    expect(nodemailerOptions(remote)).toMatchObject({ requireTLS: true, ignoreTLS: false, tls: { rejectUnauthorized: true } });
    const local = smtpClientSettings('smtp://127.0.0.1:2525', tempDir('site'));
    expect(local).toMatchObject({ secure: false, startTls: false, requireTls: false });
  });

  it('is given the submission password of the MTA it shares the data directory with', async () => {
    const mta = await startMta();
    try {
      const auth = nodemailerOptions(smtpClientSettings(`smtp://127.0.0.1:${mta.smtpPort}`, mta.dataDir)).auth;
      expect(auth).toEqual({ user: 'tayori-submission', pass: submissionPassword(mta.dataDir) });
    } finally {
      await mta.stop();
    }
  });
});
