// The priority lane: the status site's own mail (a 【障害発生】 notice) to a mailbox on this MTA must
// not wait behind the backlog it announces. With the scan stage saturated in the 2014 setup (one
// FIFO queue, a slow scanner), mail submitted with the site's credential is delivered before the
// backlog; a customer logged in with their own password, and a stranger whose headers claim the
// lane, wait their turn like everyone else.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, readMailbox, startMta, SUBMISSION_USER, submissionPassword, waitFor, type MtaProcess } from './helpers.js';

const BACKLOG = 16;
const CUSTOMER_PASSWORD = 'customer password 1234';
let mta: MtaProcess;

beforeAll(async () => {
  // One scan at a time, 500 ms each: the backlog takes about 8 s to clear, FIFO as in 2014.
  mta = await startMta({ env: { MTA_SCHEDULER: 'fifo', MTA_SCAN_CONCURRENCY: '1', MTA_BUILTIN_SCAN_COST_MS: '500' } });
  expect((await mta.api('PUT', `/api/mailboxes/user3@${DEMO}/password`, { password: CUSTOMER_PASSWORD })).status).toBe(200);
});

afterAll(async () => {
  expect(await mta?.stop()).toBe(0);
});

function transport(options: { localAddress: string; auth?: { user: string; pass: string } }) {
  return nodemailer.createTransport({ host: '127.0.0.1', port: mta.smtpPort, ignoreTLS: true, pool: true, maxConnections: 1, ...options });
}

describe('the priority lane', () => {
  it('delivers the site’s notice to a hosted mailbox before a saturated scan backlog; a customer’s own login and a forged header get nothing', async () => {
    const flood = transport({ localAddress: '127.0.0.2' });
    for (let i = 0; i < BACKLOG; i++) {
      await flood.sendMail({ from: `bulk${i}@flood.example`, to: `user1@${DEMO}`, subject: `offer ${i}`, text: 'buy', messageId: `<backlog-${String(i).padStart(2, '0')}@flood.example>` });
    }
    flood.close();

    // All three are accepted after the whole backlog, to the same mailbox.
    const customer = transport({ localAddress: '127.0.0.3', auth: { user: `user3@${DEMO}`, pass: CUSTOMER_PASSWORD } });
    await customer.sendMail({ from: `user3@${DEMO}`, to: `user2@${DEMO}`, subject: 'from a customer', text: 'hello', messageId: '<customer@demo.tayori.test>' });
    customer.close();
    const forger = transport({ localAddress: '127.0.0.4' });
    await forger.sendMail({
      from: 'status@tayori.test',
      to: `user2@${DEMO}`,
      subject: '【障害発生】 not really',
      text: 'click here',
      messageId: '<forged@tayori.test>',
      headers: { 'X-Tayori-Lane': 'submission', 'X-Spam-Check': 'skipped (priority lane: submitted by the status site)' },
    });
    forger.close();
    const backlogBefore = (await mta.api('GET', '/api/queue')).json;
    const site = transport({ localAddress: '127.0.0.1', auth: { user: SUBMISSION_USER, pass: submissionPassword(mta.dataDir) } });
    await site.sendMail({ from: 'status@tayori.test', to: `user2@${DEMO}`, subject: '【障害発生】メール配送の遅延', text: '遅延しています。', messageId: '<notice@tayori.test>' });
    site.close();

    // The notice arrives while most of the backlog still waits for its scan.
    const notice = await waitFor('the notice', () => readMailbox(mta.dataDir, `user2@${DEMO}`).find((m) => m.includes('<notice@tayori.test>')), 10_000, 50);
    const backlogDelivered = readMailbox(mta.dataDir, `user1@${DEMO}`).length;
    expect(backlogDelivered).toBeLessThan(BACKLOG / 2);
    expect(notice).toMatch(/^X-Tayori-Lane: submission\r$/m);
    expect(notice).toMatch(/^X-Spam-Check: skipped \(priority lane: submitted by the status site\)\r$/m);

    await waitFor('everything delivered', () => readMailbox(mta.dataDir, `user1@${DEMO}`).length === BACKLOG && readMailbox(mta.dataDir, `user2@${DEMO}`).length === 3, 60_000, 100);
    // The customer's and the forger's mail waited for the whole backlog (FIFO) and was scanned.
    const order = [...mta.output().matchAll(/ to=<([^>]+)> delays=\S+ total=\S+ status=sent/g)].map((m) => m[1]);
    expect(order.indexOf(`user2@${DEMO}`)).toBeLessThan(BACKLOG / 2);
    expect(order.slice(-2)).toEqual([`user2@${DEMO}`, `user2@${DEMO}`]);
    const mail = readMailbox(mta.dataDir, `user2@${DEMO}`);
    for (const id of ['<customer@demo.tayori.test>', '<forged@tayori.test>']) {
      const copy = mail.find((m) => m.includes(id))!;
      expect(copy).toMatch(/^X-Spam-Check: done \(builtin\)\r$/m);
      expect(copy).not.toMatch(/^X-Tayori-Lane:/im);
      expect(copy).not.toMatch(/^X-Spam-Check: skipped/im);
    }

    // The queue listing said which lane each waiting message was in; the log and the metrics say it too.
    expect(backlogBefore.messages.length).toBeGreaterThan(0);
    expect(new Set(backlogBefore.messages.map((m: { lane: string }) => m.lane))).toEqual(new Set(['standard']));
    expect(mta.output()).toMatch(/: from=<status@tayori\.test> lane=submission \(logged in as tayori-submission: no content scan, delivered ahead of the scan queue\)$/m);
    expect(mta.output()).toMatch(/ to=<user2@demo\.tayori\.test> delays=\S+ total=\S+ status=sent lane=submission$/m);
    const metrics = await mta.metrics();
    expect(metrics).toMatch(/^tayori_mta_lane_messages_total\{lane="submission"\} 1$/m);
    expect(metrics).toMatch(new RegExp(`^tayori_mta_lane_messages_total\\{lane="standard"\\} ${BACKLOG + 2}$`, 'm'));
  });
});
