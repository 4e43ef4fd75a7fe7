// The chaos run: a flood that backs the queue up (the 2014 setup's MTA, so that the spool is full
// and a notice goes out), with the MTA, then the site and its notice worker (mid fan-out), then
// all of them killed with SIGKILL and started again. Afterwards it checks, from the outside:
// every message the MTA accepted was delivered, none twice; every subscriber received each notice
// exactly once; and the status site recorded the MTA's silence as "no data", not "operational".
import Database from 'better-sqlite3';
import { MaildirWatcher } from './maildirs';
import type { Scenario } from './scenario';
import { isOpenedNotice, isRecoveryNotice, startWorld, SUBSCRIBER, trafficSpecs } from './spam-flood';
import { waitFor, type Part } from './stack';
import { startTraffic } from './traffic';

export interface ChaosInput {
  scenario: Scenario;
  subscribers: number;
  /** How long the MTA stays down the first time: longer than the rule's no-data limit. */
  mtaDownS: number;
  workDir: string;
  distDir: string;
  templateDb: string;
  log?: (line: string) => void;
}

export interface ChaosCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ChaosResult {
  checks: ChaosCheck[];
  passed: boolean;
  realSeconds: number;
  events: string[];
}

export async function runChaos(input: ChaosInput): Promise<ChaosResult> {
  const s = input.scenario;
  const log = input.log ?? (() => {});
  const started = Date.now();
  const events: string[] = [];
  const event = (line: string) => {
    const stamped = `+${((Date.now() - started) / 1000).toFixed(1)} s ${line}`;
    events.push(stamped);
    log(`chaos: ${stamped}`);
  };
  // The no-data limit must stay well above the 10 s between rollups (or ordinary gaps would flap
  // the status), and the MTA's silence must outlast it plus a window to show.
  const noDataAfterS = 25;
  if (input.mtaDownS < noDataAfterS + 15) throw new Error(`the MTA must stay down at least ${noDataAfterS + 15} s to show as "no data"`);
  const scenario: Scenario = { ...s, noDataAfterS };
  const { stack, inbox } = await startWorld('legacy', scenario, input, input.subscribers);
  const maildirs = new MaildirWatcher(stack.mailRoot);
  const scanner = setInterval(() => maildirs.scan(), 2000);
  const specs = trafficSpecs(scenario);
  const restart = async (parts: Part[], downS: number) => {
    await sleep(downS * 1000);
    for (const part of ['mta', 'site', 'worker'] as Part[]) if (parts.includes(part)) await stack.start(part);
    event(`${parts.join(' + ')} started again`);
  };
  let mtaDown: [number, number] | null = null;
  try {
    const legit = startTraffic(stack.ports.smtp, specs.legit);
    await sleep(scenario.warmUpS * 1000);
    event('flood begins');
    const spam = startTraffic(stack.ports.smtp, specs.spam, 600);
    await sleep(5000);

    event('SIGKILL mta');
    await stack.kill('mta');
    const downFrom = Date.now();
    await restart(['mta'], input.mtaDownS);
    mtaDown = [downFrom, Date.now()];

    // Kill the site and its worker while the first notice is being fanned out.
    const fanOut = await waitFor('the first notice’s fan-out to begin', () => inbox.notices.some(isOpenedNotice), 240_000, 50).then(() => true, () => false);
    const copiesBefore = inbox.notices.filter(isOpenedNotice).length;
    event(fanOut ? `SIGKILL site + worker during the fan-out (${copiesBefore} of ${input.subscribers + 1} copies received)` : 'SIGKILL site + worker (no notice yet)');
    await Promise.all([stack.kill('site'), stack.kill('worker')]);
    await restart(['site', 'worker'], 5);

    await sleep(10_000);
    event('SIGKILL mta + site + worker');
    await Promise.all([stack.kill('mta'), stack.kill('site'), stack.kill('worker')]);
    await restart(['mta', 'site', 'worker'], 5);

    await sleep(10_000);
    await spam.stop();
    event('flood ends');
    const toMailbox = () => [...legit.messages, ...spam.messages].filter((m) => m.acceptedAt && m.rcpt.startsWith('sim'));
    await waitFor('accepted mail to drain', () => {
      maildirs.scan();
      return toMailbox().every((m) => maildirs.byId.has(m.id));
    }, scenario.drainTimeoutS * 1000, 5000).catch((e: Error) => event(e.message));
    const everyoneHas = (id: string) => new Set(inbox.notices.filter((n) => n.messageId.startsWith(`<${id}.`)).map((n) => n.to)).size >= input.subscribers + 1;
    const noticeIds = () => [...new Set(inbox.notices.map((n) => /^<([^.]+)\./.exec(n.messageId)?.[1] ?? ''))];
    await waitFor('the recovery notice for everyone', () => inbox.notices.filter(isRecoveryNotice).length >= input.subscribers + 1, scenario.recoveryTimeoutS * 1000, 1000).catch((e: Error) => event(e.message));
    // Copies a killed worker had claimed go out once their lease has run out: wait for them.
    await waitFor('every notice to reach everyone', () => noticeIds().every(everyoneHas), 60_000, 1000).catch((e: Error) => event(e.message));
    await legit.stop();
    await waitFor('the last accepted mail', () => {
      maildirs.scan();
      return toMailbox().every((m) => maildirs.byId.has(m.id));
    }, 120_000, 1000).catch((e: Error) => event(e.message));

    const checks: ChaosCheck[] = [];
    const accepted = toMailbox();
    const lost = accepted.filter((m) => !maildirs.byId.has(m.id));
    checks.push({ name: 'accepted mail lost', ok: lost.length === 0, detail: `${lost.length} of ${accepted.length} accepted messages never delivered` });
    const twice = [...maildirs.byId.values()].filter((d) => d.length > 1);
    checks.push({ name: 'mail delivered twice', ok: twice.length === 0, detail: `${twice.length} messages delivered more than once (${maildirs.deliveries.length} deliveries)` });

    // Each notice has its own Message-ID per subscriber: <notice.subscriber@domain>.
    const copies = new Map<string, number>();
    for (const n of inbox.notices) copies.set(`${n.messageId}|${n.to}`, (copies.get(`${n.messageId}|${n.to}`) ?? 0) + 1);
    const duplicated = [...copies.values()].filter((c) => c > 1).length;
    const perNotice = new Map<string, Set<string>>();
    for (const n of inbox.notices) {
      const noticeId = /^<?([^.]+)\./.exec(n.messageId)?.[1] ?? n.messageId;
      perNotice.set(noticeId, (perNotice.get(noticeId) ?? new Set()).add(n.to));
    }
    const everyone = input.subscribers + 1;
    const incomplete = [...perNotice].filter(([, to]) => to.size !== everyone);
    const kinds = ['opened', 'recovery'].filter((k) => inbox.notices.some(k === 'opened' ? isOpenedNotice : isRecoveryNotice));
    checks.push({ name: 'notices sent', ok: kinds.length === 2, detail: `kinds received: ${kinds.join(', ') || 'none'}; ${perNotice.size} notices` });
    checks.push({ name: 'notice copies twice', ok: duplicated === 0, detail: `${duplicated} (subscriber, notice) pairs received more than once` });
    checks.push({ name: 'notice copies missing', ok: incomplete.length === 0 && perNotice.size > 0, detail: incomplete.length ? incomplete.map(([id, to]) => `${id}: ${to.size} of ${everyone}`).join('; ') : `each of ${perNotice.size} notices reached all ${everyone} subscribers` });

    const db = new Database(stack.databaseFile, { readonly: true });
    const noData = db
      .prepare("SELECT changedAt FROM ComponentStatusChange WHERE newStatus = 'no_data' AND componentId = (SELECT id FROM Component WHERE slug = 'mail-inbound') ORDER BY changedAt")
      .all() as { changedAt: number | string }[];
    db.close();
    const inGap = noData.some((r) => {
      const t = typeof r.changedAt === 'number' ? r.changedAt : Date.parse(r.changedAt);
      return mtaDown !== null && t >= mtaDown[0] && t <= mtaDown[1] + 15_000;
    });
    checks.push({ name: 'MTA silence shown as no data', ok: inGap, detail: `${noData.length} change(s) to "no data" recorded${inGap ? ', one during the MTA outage' : ''}` });
    checks.push({ name: 'subscriber received the incident notice', ok: inbox.notices.some((n) => n.to === SUBSCRIBER && isOpenedNotice(n)), detail: SUBSCRIBER });

    return { checks, passed: checks.every((c) => c.ok), realSeconds: (Date.now() - started) / 1000, events };
  } finally {
    clearInterval(scanner);
    await stack.shutdown();
    await inbox.stop();
  }
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}
