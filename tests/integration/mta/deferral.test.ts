// Relay delivery outcomes against Postfix's smtp-sink: a 4xx defers with backoff and an admin
// flush retries now; a 5xx, or a message still undeliverable after its lifetime, bounces with a
// proper DSN to the sender.
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO, readMailbox, startMta, startSmtpSink, SUBMISSION_USER, submissionPassword, waitFor, type MtaProcess } from './helpers.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const stop of cleanup.splice(0).reverse()) await stop();
});

// Mail to other domains is relayed for clients that log in: here, as the site does, with the
// submission credential the MTA generated (loopback is not a trusted network).
function submitter(m: MtaProcess) {
  return nodemailer.createTransport({ host: '127.0.0.1', port: m.smtpPort, ignoreTLS: true, auth: { user: SUBMISSION_USER, pass: submissionPassword(m.dataDir) } });
}

async function sendFromInfo(m: MtaProcess, messageId: string) {
  return submitter(m).sendMail({ from: `info@${DEMO}`, to: 'customer@example.com', subject: 'Status update', text: 'Mail is flowing again.', messageId });
}

describe('deferral, backoff and flush', () => {
  it('without a smarthost, mail for a domain whose MX cannot be found is deferred with 4.4.3, not bounced', async () => {
    const mta = await startMta({ env: { MTA_BACKOFF_MIN_S: '120' } });
    cleanup.push(() => mta.stop());
    await submitter(mta).sendMail({ from: `info@${DEMO}`, to: 'someone@nowhere.invalid', subject: 'x', text: 'x' });
    const deferred = await waitFor('the deferral', async () => (await mta.api('GET', '/api/queue')).json.messages.find((m: { state: string }) => m.state === 'deferred'));
    expect(deferred.last_error).toMatch(/^Host or domain name not found\. Name service error for name=nowhere\.invalid type=MX: /);
    expect(readMailbox(mta.dataDir, `info@${DEMO}`)).toEqual([]);
  });


  it('a 4xx from the relay defers the message with a backoff; flush retries it at once and it is delivered', async () => {
    const soft = await startSmtpSink({ softFail: 'RCPT' });
    const mta = await startMta({ env: { SMTP_RELAY_URL: `smtp://127.0.0.1:${soft.port}`, MTA_BACKOFF_MIN_S: '120' } });
    cleanup.push(() => mta.stop());
    await sendFromInfo(mta, '<deferred-1@demo.tayori.test>');
    const deferred = await waitFor('the deferral', async () => {
      const { json } = await mta.api('GET', '/api/queue');
      return json.messages.find((m: { state: string }) => m.state === 'deferred');
    });
    expect(deferred).toMatchObject({ to: ['customer@example.com'], attempts: 1 });
    expect(deferred.last_error).toContain('450 4.3.0');
    const waitS = (Date.parse(deferred.next_attempt_at) - Date.now()) / 1000;
    expect(waitS).toBeGreaterThan(60);
    expect(waitS).toBeLessThanOrEqual(120);
    expect(await mta.metrics()).toMatch(/^tayori_mta_delivery_outcomes_total\{outcome="deferred"\} 1$/m);

    await soft.stop();
    const fixed = await startSmtpSink();
    cleanup.push(() => fixed.stop());
    // Restart pointing at the repaired relay (the relay URL names a port).
    expect(await mta.stop()).toBe(0);
    const restarted = await startMta({ dataDir: mta.dataDir, env: { SMTP_RELAY_URL: `smtp://127.0.0.1:${fixed.port}`, MTA_BACKOFF_MIN_S: '120' } });
    cleanup.push(() => restarted.stop());
    // Still deferred after the restart: the retry time survived.
    const before = await restarted.api('GET', '/api/queue');
    expect(before.json.messages).toHaveLength(1);
    expect(before.json.messages[0].state).toBe('deferred');
    const flush = await restarted.api('POST', '/api/flush', { actor: 'ops' });
    expect(flush.json).toEqual({ flushed: 1 });
    const relayed = await waitFor('the retried message at the relay', () => fixed.messages().find((m) => m.includes('<deferred-1@demo.tayori.test>')));
    expect(relayed).toContain('Mail is flowing again.');
    await waitFor('an empty queue', async () => (await restarted.api('GET', '/api/queue')).json.depth === 0);
    const { json } = await restarted.api('GET', '/api/events?kind=flush');
    expect(json.events[0]).toMatchObject({ actor: 'ops', detail: { flushed: 1 } });
  });

  it('a 5xx from the relay bounces at once with a DSN carrying the remote reply', async () => {
    const hard = await startSmtpSink({ hardFail: 'RCPT' });
    cleanup.push(() => hard.stop());
    const mta = await startMta({ env: { SMTP_RELAY_URL: `smtp://127.0.0.1:${hard.port}` } });
    cleanup.push(() => mta.stop());
    await sendFromInfo(mta, '<hard-1@demo.tayori.test>');
    const dsn = await waitFor('the DSN', () => readMailbox(mta.dataDir, `info@${DEMO}`).find((m) => m.includes('Undelivered Mail Returned to Sender')));
    expect(dsn).toContain('Final-Recipient: rfc822; customer@example.com');
    expect(dsn).toContain('Status: 5.3.0');
    expect(dsn).toMatch(/Diagnostic-Code: smtp; 500 5\.3\.0 Error: command failed/);
    expect(dsn).toContain('Message-ID: <hard-1@demo.tayori.test>');
    expect((await mta.api('GET', '/api/queue')).json.depth).toBe(0);
  });

  it('mail still deferred after its queue lifetime bounces with status 4.4.7', async () => {
    const soft = await startSmtpSink({ softFail: 'RCPT' });
    cleanup.push(() => soft.stop());
    const mta = await startMta({ env: { SMTP_RELAY_URL: `smtp://127.0.0.1:${soft.port}`, MTA_BACKOFF_MIN_S: '120', MTA_MAX_QUEUE_LIFETIME_S: '2' } });
    cleanup.push(() => mta.stop());
    await sendFromInfo(mta, '<expired-1@demo.tayori.test>');
    await waitFor('the first deferral', async () => (await mta.api('GET', '/api/queue')).json.messages[0]?.state === 'deferred');
    await new Promise((r) => setTimeout(r, 2100));
    expect((await mta.api('POST', '/api/flush')).json.flushed).toBe(1);
    const dsn = await waitFor('the expiry DSN', () => readMailbox(mta.dataDir, `info@${DEMO}`).find((m) => m.includes('Undelivered Mail Returned to Sender')));
    expect(dsn).toContain('Status: 4.4.7');
    expect(dsn).toMatch(/message delivery time expired \(450 4\.3\.0 Error: command failed\)/);
  });

  it('staff can delete a deferred message, or return it to its sender with a reason, and the queue lets go of it', async () => {
    const soft = await startSmtpSink({ softFail: 'RCPT' });
    cleanup.push(() => soft.stop());
    const mta = await startMta({ env: { SMTP_RELAY_URL: `smtp://127.0.0.1:${soft.port}`, MTA_BACKOFF_MIN_S: '600' } });
    cleanup.push(() => mta.stop());
    await sendFromInfo(mta, '<to-delete@demo.tayori.test>');
    await sendFromInfo(mta, '<to-return@demo.tayori.test>');
    const deferred = await waitFor('two deferrals', async () => {
      const { json } = await mta.api('GET', '/api/queue');
      const waiting = json.messages.filter((m: { state: string }) => m.state === 'deferred');
      return waiting.length === 2 ? waiting : undefined;
    });
    const [first, second] = deferred as Array<{ id: string }>;

    expect((await mta.api('DELETE', `/api/queue/NOSUCHID?actor=ops`)).status).toBe(404);
    const deleted = await mta.api('DELETE', `/api/queue/${first!.id}?actor=ops`);
    expect(deleted).toMatchObject({ status: 200, json: { deleted: first!.id } });
    expect((await mta.api('DELETE', `/api/queue/${first!.id}?actor=ops`)).status).toBe(404);

    const noReason = await mta.api('POST', `/api/queue/${second!.id}/bounce`, { reason: '', actor: 'ops' });
    expect(noReason.status).toBe(400);
    const returned = await mta.api('POST', `/api/queue/${second!.id}/bounce`, { reason: 'the recipient domain no longer exists', actor: 'ops' });
    expect(returned).toMatchObject({ status: 200, json: { bounced: second!.id } });

    // The sender hears about the returned one (with the reason and the last error), not the deleted one.
    const dsn = await waitFor('the DSN', () => readMailbox(mta.dataDir, `info@${DEMO}`).find((m) => m.includes('Undelivered Mail Returned to Sender')));
    expect(dsn).toContain('Message-ID: <to-return@demo.tayori.test>');
    expect(dsn).toMatch(/returned to sender by the postmaster \(the recipient domain no longer exists\)/);
    expect(dsn).toContain('450 4.3.0');
    await waitFor('an empty queue', async () => (await mta.api('GET', '/api/queue')).json.depth === 0);
    expect(readMailbox(mta.dataDir, `info@${DEMO}`).filter((m) => m.includes('Undelivered Mail Returned to Sender'))).toHaveLength(1);
    // Nothing comes back after a restart: the spool let go of both.
    expect(await mta.stop()).toBe(0);
    const again = await startMta({ dataDir: mta.dataDir, env: { SMTP_RELAY_URL: `smtp://127.0.0.1:${soft.port}` } });
    cleanup.push(() => again.stop());
    expect((await again.api('GET', '/api/queue')).json.depth).toBe(0);
    const { json } = await again.api('GET', '/api/events?kind=queue');
    expect(json.events.map((e: { actor: string; detail: { action: string } }) => [e.actor, e.detail.action])).toEqual([
      ['ops', 'bounce'],
      ['ops', 'delete'],
    ]);
  });
});
