// Built-in probes (lib/probes) against real servers on this machine: nginx (HTTP, HTTPS, a
// certificate with a day left), the bundled MTA (SMTP banner and AUTH with the submission
// account), dnsmasq (DNS answers), Postfix + Dovecot (IMAP and POP3 login), and the failures
// staff must see: a closed port, a wrong keyword, a short certificate, a wrong DNS answer, a
// wrong password, a server that accepts and never answers. No site build: run with
//   npx vitest run --config tests/integration/mta/vitest.config.ts tests/integration/mta/probes.test.ts
import dgram from 'node:dgram';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../../lib/probes/run';
import { runProblemText, storedRunProblem } from '../../../lib/probes/run-problems';
import { validateProbe, type ProbeInput } from '../../../lib/probes/schema';
import type { ProbeOutcome, ProbeSpec } from '../../../lib/probes/types';
import { dnsmasqUnavailable, startDnsmasq, type Dnsmasq } from '../../support/dnsmasq';
import { NGINX_PAGE, nginxUnavailable, startNginx, type Nginx } from '../../support/nginx';
import { postfixDovecotUnavailable, startPostfixDovecot, type PostfixDovecot } from '../../support/postfix-dovecot';
import { freePort, selfSignedCertificate, startMta, SUBMISSION_USER, submissionPassword, type MtaProcess } from './helpers';

function spec(input: Omit<ProbeInput, 'componentId'>): ProbeSpec {
  const result = validateProbe({ componentId: 'c', intervalS: 60, timeoutS: 5, ...input });
  if (!result.ok) throw new Error(`invalid probe: ${JSON.stringify(result.issues)}`);
  return result.probe;
}
const run = (input: Omit<ProbeInput, 'componentId'>): Promise<ProbeOutcome> => runProbe(spec(input));

/** A TCP server that accepts and never says a word: the probe must give up at its timeout. */
async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))),
  };
}

describe.skipIf(nginxUnavailable())('http probe against nginx', () => {
  let nginx: Nginx;
  beforeAll(async () => (nginx = await startNginx()));
  afterAll(() => nginx?.close());

  it('passes on 200 with the keyword, reports the status and latency', async () => {
    const outcome = await run({ kind: 'http', target: `${nginx.httpUrl}/`, settings: { keyword: 'all systems go' } });
    expect(outcome).toMatchObject({ ok: true, detail: { status: 200 } });
    expect(outcome.latencyMs).toBeGreaterThan(0);
  });

  it('fails on a missing keyword, and on a keyword that must be absent', async () => {
    const missing = await run({ kind: 'http', target: `${nginx.httpUrl}/`, settings: { keyword: 'maintenance in progress' } });
    expect(missing).toMatchObject({ ok: false, error: '"maintenance in progress" is not on the page' });
    // The console words it in Japanese from the code and parameters kept with the result.
    expect(runProblemText(storedRunProblem(missing.detail)!, 'ja')).toBe('ページに「maintenance in progress」がありません');
    const present = await run({ kind: 'http', target: `${nginx.httpUrl}/`, settings: { keyword: NGINX_PAGE, keywordAbsent: true } });
    expect(present.ok).toBe(false);
    expect(present.error).toContain('the page contains');
  });

  it('checks the status against the expected list, follows redirects up to 5', async () => {
    expect(await run({ kind: 'http', target: `${nginx.httpUrl}/missing` })).toMatchObject({ ok: false, error: 'HTTP 404, expected 200-399', detail: { status: 404 } });
    expect(await run({ kind: 'http', target: `${nginx.httpUrl}/missing`, settings: { expectStatus: '200,404' } })).toMatchObject({ ok: true });
    expect(await run({ kind: 'http', target: `${nginx.httpUrl}/moved`, settings: { keyword: 'all systems go' } })).toMatchObject({ ok: true, detail: { status: 200, finalUrl: `${nginx.httpUrl}/` } });
    expect(await run({ kind: 'http', target: `${nginx.httpUrl}/loop` })).toMatchObject({ ok: false, error: 'more than 5 redirects' });
  });

  it('reads the certificate: days left in detail, too few days fail, an untrusted one fails when verified', async () => {
    const year = await run({ kind: 'http', target: `${nginx.httpsUrl}/`, settings: { tlsVerify: false, certMinDays: 30 } });
    expect(year.ok).toBe(true);
    expect(year.detail?.certDaysLeft).toBeGreaterThanOrEqual(363);
    const day = await run({ kind: 'http', target: `${nginx.shortCertUrl}/`, settings: { tlsVerify: false, certMinDays: 30 } });
    expect(day).toMatchObject({ ok: false, detail: { certDaysLeft: 0 } });
    expect(day.error).toMatch(/the certificate expires in 0 days \(fewer than 30\)/);
    expect(runProblemText(storedRunProblem(day.detail)!, 'ja')).toBe('証明書の残りが0日です（30日未満）');
    const verified = await run({ kind: 'http', target: `${nginx.httpsUrl}/` });
    expect(verified.ok).toBe(false);
    expect(verified.error).toMatch(/certificate of 127\.0\.0\.1:\d+ is not trusted/);
  });

  it('fails when nginx is down, passes again when it is back', async () => {
    await nginx.stop();
    const down = await run({ kind: 'http', target: `${nginx.httpUrl}/` });
    expect(down.ok).toBe(false);
    expect(down.error).toMatch(/refused the connection/);
    await nginx.start();
    expect((await run({ kind: 'http', target: `${nginx.httpUrl}/` })).ok).toBe(true);
  });
});

describe('tcp probe and the timeout', () => {
  it('passes on an open port and fails on a closed one', async () => {
    const open = await silentServer();
    try {
      expect(await run({ kind: 'tcp', target: `127.0.0.1:${open.port}` })).toMatchObject({ ok: true });
    } finally {
      await open.close();
    }
    const closed = await freePort();
    const outcome = await run({ kind: 'tcp', target: `127.0.0.1:${closed}` });
    expect(outcome).toMatchObject({ ok: false, error: `cannot connect to 127.0.0.1:${closed}: ECONNREFUSED` });
    expect(runProblemText(storedRunProblem(outcome.detail)!, 'ja')).toBe(`127.0.0.1:${closed} に接続できません（ECONNREFUSED）`);
  });

  it('gives up at the timeout on a server that accepts and never answers, for every kind that waits for an answer', async () => {
    const silent = await silentServer();
    try {
      for (const kind of ['http', 'smtp', 'imap', 'pop3'] as const) {
        const started = Date.now();
        const outcome = await run({ kind, target: kind === 'http' ? `http://127.0.0.1:${silent.port}/` : `127.0.0.1:${silent.port}`, timeoutS: 1 });
        const took = Date.now() - started;
        expect(outcome.ok, kind).toBe(false);
        expect(outcome.error, kind).toMatch(/in time|within 1 s/);
        expect(took, kind).toBeGreaterThanOrEqual(950);
        expect(took, kind).toBeLessThan(2500);
      }
    } finally {
      await silent.close();
    }
  });
});

describe.skipIf(dnsmasqUnavailable())('dns probe against dnsmasq', () => {
  let dns: Dnsmasq;
  beforeAll(async () => (dns = await startDnsmasq(['--address=/probe.test/192.0.2.10', '--mx-host=probe.test,mx1.probe.test,10', '--txt-record=probe.test,v=spf1 -all', '--cname=www.probe.test,probe.test'])));
  afterAll(() => dns?.stop());

  it('resolves A, MX, TXT and CNAME and compares with the expected value', async () => {
    expect(await run({ kind: 'dns', target: 'probe.test', settings: { resolver: dns.resolver, recordType: 'A', expected: '192.0.2.10' } })).toMatchObject({ ok: true, detail: { answers: ['192.0.2.10'] } });
    expect(await run({ kind: 'dns', target: 'probe.test', settings: { resolver: dns.resolver, recordType: 'MX', expected: 'mx1.probe.test.' } })).toMatchObject({ ok: true });
    expect(await run({ kind: 'dns', target: 'probe.test', settings: { resolver: dns.resolver, recordType: 'TXT', expected: 'v=spf1 -all' } })).toMatchObject({ ok: true });
    expect(await run({ kind: 'dns', target: 'www.probe.test', settings: { resolver: dns.resolver, recordType: 'CNAME', expected: 'probe.test' } })).toMatchObject({ ok: true });
  });

  it('fails on a wrong answer and on a name that does not exist', async () => {
    const wrong = await run({ kind: 'dns', target: 'probe.test', settings: { resolver: dns.resolver, recordType: 'A', expected: '192.0.2.99' } });
    expect(wrong).toMatchObject({ ok: false, error: 'probe.test A answered 192.0.2.10, expected 192.0.2.99' });
    const none = await run({ kind: 'dns', target: 'absent.example', settings: { resolver: dns.resolver, recordType: 'A' } });
    expect(none.ok).toBe(false);
    expect(none.error).toMatch(/^absent\.example A: /);
  });

  it('gives up at the timeout when the resolver takes the question and never answers', async () => {
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const outcome = await run({ kind: 'dns', target: 'probe.test', timeoutS: 1, settings: { resolver: `127.0.0.1:${silent.address().port}`, recordType: 'A' } });
      expect(outcome.ok).toBe(false);
      expect(outcome.error).toMatch(/within 1 s/);
      expect(Date.now() - started).toBeLessThan(2500);
    } finally {
      silent.close();
    }
  });

  it('fails when nothing answers at the resolver', async () => {
    const silentPort = await freePort(); // nothing listens on this UDP port
    const outcome = await run({ kind: 'dns', target: 'probe.test', timeoutS: 1, settings: { resolver: `127.0.0.1:${silentPort}`, recordType: 'A' } });
    expect(outcome.ok).toBe(false);
  });
});

describe('smtp probe against the bundled MTA', () => {
  let mta: MtaProcess;
  beforeAll(async () => {
    const { key, cert } = selfSignedCertificate();
    mta = await startMta({ env: { MTA_TLS_KEY: key, MTA_TLS_CERT: cert } });
  });
  afterAll(() => mta?.stop());

  it('reads the banner, logs in with the submission account, also after STARTTLS', async () => {
    expect(await run({ kind: 'smtp', target: `127.0.0.1:${mta.smtpPort}` })).toMatchObject({ ok: true, detail: { login: false } });
    const login = await run({ kind: 'smtp', target: `127.0.0.1:${mta.smtpPort}`, settings: { user: SUBMISSION_USER, password: submissionPassword(mta.dataDir) } });
    expect(login).toMatchObject({ ok: true, detail: { login: true } });
    const overTls = await run({ kind: 'smtp', target: `127.0.0.1:${mta.smtpPort}`, settings: { tls: 'starttls', tlsVerify: false, user: SUBMISSION_USER, password: submissionPassword(mta.dataDir) } });
    expect(overTls).toMatchObject({ ok: true, detail: { login: true } });
    const verified = await run({ kind: 'smtp', target: `127.0.0.1:${mta.smtpPort}`, settings: { tls: 'starttls' } });
    expect(verified.ok).toBe(false);
  });

  it('fails on a wrong password, without the password in the error', async () => {
    const outcome = await run({ kind: 'smtp', target: `127.0.0.1:${mta.smtpPort}`, settings: { user: SUBMISSION_USER, password: 'wrong-password-123' } });
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/^login refused by 127\.0\.0\.1:\d+: 535/);
    expect(JSON.stringify(outcome)).not.toContain('wrong-password-123');
  });
});

describe.skipIf(postfixDovecotUnavailable())('imap and pop3 probes against Dovecot', () => {
  let pair: PostfixDovecot;
  // ssl = yes with a self-signed certificate: STARTTLS / STLS on the plain ports, and imaps.
  beforeAll(async () => (pair = await startPostfixDovecot({ pop3: true, imaps: true })));
  afterAll(() => pair?.stop());

  it('reads the banners and logs in', async () => {
    expect(await run({ kind: 'imap', target: `127.0.0.1:${pair.imapPort}` })).toMatchObject({ ok: true, detail: { login: false } });
    expect((await run({ kind: 'imap', target: `127.0.0.1:${pair.imapPort}` })).detail?.banner).toMatch(/^\* OK/);
    expect(await run({ kind: 'imap', target: `127.0.0.1:${pair.imapPort}`, settings: { user: pair.user, password: pair.password } })).toMatchObject({ ok: true, detail: { login: true } });
    expect(await run({ kind: 'pop3', target: `127.0.0.1:${pair.pop3Port}` })).toMatchObject({ ok: true, detail: { login: false } });
    expect(await run({ kind: 'pop3', target: `127.0.0.1:${pair.pop3Port}`, settings: { user: pair.user, password: pair.password } })).toMatchObject({ ok: true, detail: { login: true } });
  });

  it('upgrades with STARTTLS / STLS or speaks TLS from the start, and refuses an untrusted certificate when verifying', async () => {
    const imapsPort = Number(new URL(pair.imapsUrl!).port);
    const login = { user: pair.user, password: pair.password, tlsVerify: false };
    expect(await run({ kind: 'imap', target: `127.0.0.1:${pair.imapPort}`, settings: { tls: 'starttls', tlsVerify: false } })).toMatchObject({ ok: true });
    expect(await run({ kind: 'imap', target: `127.0.0.1:${pair.imapPort}`, settings: { tls: 'starttls', ...login } })).toMatchObject({ ok: true, detail: { login: true } });
    expect(await run({ kind: 'imap', target: `127.0.0.1:${imapsPort}`, settings: { tls: 'implicit', ...login } })).toMatchObject({ ok: true, detail: { login: true } });
    expect(await run({ kind: 'pop3', target: `127.0.0.1:${pair.pop3Port}`, settings: { tls: 'starttls', ...login } })).toMatchObject({ ok: true, detail: { login: true } });
    const verified = await run({ kind: 'imap', target: `127.0.0.1:${imapsPort}`, settings: { tls: 'implicit' } });
    expect(verified.ok).toBe(false);
    expect(verified.error).toMatch(/SELF_SIGNED|self-signed|certificate/i);
  });

  it('fails on a wrong password, without the password in the error', async () => {
    // Dovecot answers a failed login late, and later for each failure from the same address (its auth penalty).
    for (const kind of ['imap', 'pop3'] as const) {
      const outcome = await run({ kind, timeoutS: 20, target: `127.0.0.1:${kind === 'imap' ? pair.imapPort : pair.pop3Port}`, settings: { user: pair.user, password: 'not-the-password-9' } });
      expect(outcome.ok, kind).toBe(false);
      expect(outcome.error, kind).toMatch(/^login refused by 127\.0\.0\.1:\d+/);
      expect(JSON.stringify(outcome), kind).not.toContain('not-the-password-9');
    }
  });

  it('fails when Dovecot is down', async () => {
    await pair.stopDovecot();
    try {
      const outcome = await run({ kind: 'imap', target: `127.0.0.1:${pair.imapPort}` });
      expect(outcome).toMatchObject({ ok: false });
      expect(outcome.error).toMatch(/ECONNREFUSED/);
    } finally {
      await pair.startDovecot();
    }
  });
});
