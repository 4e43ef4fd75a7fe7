// Kill -9 while thousands of messages are coming in and being delivered, restart, repeat. In the
// end every message that got its 250 is in its mailbox exactly once, and none that was refused or
// cut off before the end of DATA is there at all. A graceful stop (SIGTERM) keeps the same promise.
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO, messageIds, RawSmtp, readMailbox, startMta, tempDir, tmpFilesIn, waitFor, type MtaProcess } from './helpers.js';

const TOTAL = 3000;
const WORKERS = 10;
// The load comes from 127.0.0.1, configured as a trusted network (none is by default): thousands
// of messages a minute from one address would otherwise be rate-limited and blocked, which is not
// what these tests are about.
const LOAD_FROM_LOOPBACK = { MTA_TRUSTED_NETWORKS: '127.0.0.1/32' };
const KILLS = 6;
const MAILBOXES = ['info', 'support', 'user1', 'user2', 'user3'];

type Outcome = 'accepted' | 'refused' | 'cut-before-end' | 'cut-after-end';

let current: MtaProcess | undefined;
afterAll(async () => {
  await current?.stop();
});

async function sendOne(smtp: RawSmtp, id: number): Promise<Outcome> {
  const rcpt = `${MAILBOXES[id % MAILBOXES.length]}@${DEMO}`;
  let endSent = false;
  try {
    if (!(await smtp.command('MAIL FROM:<crash@example.org>')).startsWith('250')) return 'refused';
    if (!(await smtp.command(`RCPT TO:<${rcpt}>`)).startsWith('250')) return 'refused';
    if (!(await smtp.command('DATA')).startsWith('354')) return 'refused';
    smtp.write(`Subject: crash ${id}\r\nMessage-ID: <crash-${id}@example.org>\r\n\r\n${'body line\r\n'.repeat(100)}`);
    if (smtp.closed) return 'cut-before-end';
    smtp.write('.\r\n');
    endSent = true;
    const reply = await smtp.reply(15_000);
    return reply.startsWith('250') ? 'accepted' : 'refused';
  } catch {
    return endSent ? 'cut-after-end' : 'cut-before-end';
  }
}

/** Sends `total` messages over `workers` parallel sessions, reconnecting whenever the MTA is down. */
async function sendLoad(port: () => number, total: number, workers: number): Promise<Map<number, Outcome>> {
  const outcomes = new Map<number, Outcome>();
  let next = 0;
  async function worker(): Promise<void> {
    while (next < total) {
      let smtp: RawSmtp;
      try {
        smtp = await RawSmtp.connect(port());
        if (!(await smtp.reply()).startsWith('220') || !(await smtp.command('EHLO crash.example')).startsWith('250')) throw new Error('not ready');
      } catch {
        // The MTA is down or restarting: try again shortly.
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      while (next < total && !smtp.closed) {
        const id = next++;
        const outcome = await sendOne(smtp, id);
        outcomes.set(id, outcome);
        if (outcome.startsWith('cut')) break;
      }
      smtp.close();
    }
  }
  await Promise.all(Array.from({ length: workers }, worker));
  return outcomes;
}

/** Checks the mailboxes against what each client was told. */
function audit(dataDir: string, outcomes: Map<number, Outcome>) {
  const delivered = new Map<string, number>();
  for (const box of MAILBOXES) for (const id of messageIds(readMailbox(dataDir, `${box}@${DEMO}`))) delivered.set(id, (delivered.get(id) ?? 0) + 1);
  const counts: Record<Outcome, number> = { accepted: 0, refused: 0, 'cut-before-end': 0, 'cut-after-end': 0 };
  const problems: string[] = [];
  for (const [id, outcome] of outcomes) {
    counts[outcome]++;
    const n = delivered.get(`<crash-${id}@example.org>`) ?? 0;
    if (outcome === 'accepted' && n !== 1) problems.push(`${id} accepted but delivered ${n} times`);
    if ((outcome === 'refused' || outcome === 'cut-before-end') && n !== 0) problems.push(`${id} ${outcome} but delivered ${n} times`);
    // After the final dot and before the reply the outcome is unknowable to the client
    // (RFC 5321 section 6.1); it must still never be delivered twice.
    if (outcome === 'cut-after-end' && n > 1) problems.push(`${id} delivered ${n} times`);
  }
  return { counts, problems, deliveredOnce: [...delivered.values()].every((n) => n === 1) };
}

describe('crash safety', () => {
  it(`${TOTAL} messages, ${KILLS} SIGKILLs: each accepted message delivered exactly once, nothing else`, async () => {
    const dataDir = tempDir('crash');
    current = await startMta({ dataDir, env: LOAD_FROM_LOOPBACK });
    const { smtpPort, httpPort } = current;
    let killing = true;
    const killer = (async () => {
      for (let k = 0; k < KILLS && killing; k++) {
        await new Promise((r) => setTimeout(r, 400 + Math.random() * 900));
        await current!.kill();
        current = await startMta({ dataDir, smtpPort, httpPort, env: LOAD_FROM_LOOPBACK });
      }
    })();
    const outcomes = await sendLoad(() => smtpPort, TOTAL, WORKERS);
    killing = false;
    await killer;

    const mta = current!;
    await waitFor('the queue to drain', async () => (await mta.api('GET', '/api/queue')).json.depth === 0, 60_000, 250);
    const { counts, problems, deliveredOnce } = audit(dataDir, outcomes);
    expect(problems).toEqual([]);
    expect(outcomes.size).toBe(TOTAL);
    expect(counts.accepted).toBeGreaterThan(TOTAL * 0.8);
    expect(deliveredOnce).toBe(true);
    expect(tmpFilesIn(dataDir)).toEqual([]);
    expect(await mta.stop()).toBe(0);
  });

  it('SIGTERM in the middle of traffic: exit 0, and after a restart every accepted message is delivered once', async () => {
    const dataDir = tempDir('sigterm');
    let mta = await startMta({ dataDir, env: { ...LOAD_FROM_LOOPBACK, MTA_BUILTIN_SCAN_COST_MS: '5' } });
    current = mta;
    const { smtpPort, httpPort } = mta;
    const load = sendLoad(() => smtpPort, 800, 8);
    await waitFor('some traffic', () => /status=sent/.test(mta.output()), 20_000, 20);
    expect(await mta.stop()).toBe(0);
    expect(mta.output()).toMatch(/SIGTERM received, finishing work in progress[\s\S]*stopped/);
    mta = await startMta({ dataDir, smtpPort, httpPort, env: LOAD_FROM_LOOPBACK });
    current = mta;
    const outcomes = await load;
    await waitFor('the queue to drain', async () => (await mta.api('GET', '/api/queue')).json.depth === 0, 60_000, 250);
    const { problems, deliveredOnce } = audit(dataDir, outcomes);
    expect(problems).toEqual([]);
    expect(deliveredOnce).toBe(true);
    expect(await mta.stop()).toBe(0);
  });
});
