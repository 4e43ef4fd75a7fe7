import { describe, expect, it } from 'vitest';
import type { AppliedTransitions, TransitionGroup } from './adapter';
import { GroupCommit } from './group-commit';

// The group commit's timing on its own, with a recording stand-in for the database (the same
// state machine on real databases: tests/support/outbox-contract.ts).

type Row = { id: string; claimToken: string };
const row = (id: string, claimToken = 'claim-1'): Row => ({ id, claimToken });

function recorder(options: { slowMs?: number; fail?: () => 'throw' | 'lose-commit' | null } = {}) {
  const commits: TransitionGroup[][] = [];
  const apply = async (groups: TransitionGroup[]): Promise<AppliedTransitions> => {
    commits.push(groups);
    if (options.slowMs) await new Promise((r) => setTimeout(r, options.slowMs));
    const failure = options.fail?.() ?? null;
    if (failure === 'throw') throw new Error('database unreachable');
    return { changed: groups.map((g) => g.ids), committed: failure === 'lose-commit' ? Promise.reject(new Error('COMMIT lost')) : Promise.resolve() };
  };
  return { commits, apply };
}

const quiet = () => undefined;

describe('group commit', () => {
  it('commits every request made while a commit runs together, in the next one', async () => {
    const db = recorder({ slowMs: 30 });
    const commit = new GroupCommit<Row>({ apply: db.apply, log: quiet });
    const first = commit.request(row('a'), 'finishing');
    await new Promise((r) => setTimeout(r, 5)); // the first commit is running
    const more = ['b', 'c', 'd', 'e'].map((id) => commit.request(row(id), 'finishing'));
    expect(await Promise.all([first, ...more])).toEqual([true, true, true, true, true]);
    expect(db.commits.map((c) => c.flatMap((g) => g.ids))).toEqual([['a'], ['b', 'c', 'd', 'e']]);
  });

  it('groups by transition and claim token, one statement each', async () => {
    const db = recorder();
    const commit = new GroupCommit<Row>({ apply: db.apply, log: quiet });
    await Promise.all([commit.request(row('a', 't1'), 'finishing'), commit.request(row('b', 't2'), 'finishing'), commit.request(row('c', 't1'), 'finishing'), commit.request(row('d', 't1'), 'sent')]);
    expect(db.commits).toEqual([
      [
        { to: 'finishing', claimToken: 't1', ids: ['a', 'c'] },
        { to: 'finishing', claimToken: 't2', ids: ['b'] },
        { to: 'sent', claimToken: 't1', ids: ['d'] },
      ],
    ]);
  });

  it('lets a lone "sent" wait for company, and commits it alone once it has waited long enough', async () => {
    const db = recorder();
    const commit = new GroupCommit<Row>({ apply: db.apply, log: quiet, lingerMs: 40 });
    const started = Date.now();
    const sent = commit.request(row('a'), 'sent');
    await new Promise((r) => setTimeout(r, 10));
    expect(db.commits).toHaveLength(0);
    expect(await sent).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    expect(db.commits).toHaveLength(1);
  });

  it('resolves false for a row another worker took over', async () => {
    const commit = new GroupCommit<Row>({ apply: async (groups) => ({ changed: groups.map((g) => g.ids.filter((id) => id !== 'taken')), committed: Promise.resolve() }), log: quiet });
    expect(await Promise.all([commit.request(row('ours'), 'finishing'), commit.request(row('taken'), 'finishing')])).toEqual([true, false]);
  });

  it('rejects a hand-over that cannot be committed, and keeps writing a "sent" until it is', async () => {
    let down = true;
    const db = recorder({ fail: () => (down ? 'throw' : null) });
    const logged: string[] = [];
    const commit = new GroupCommit<Row>({ apply: db.apply, log: (m) => void logged.push(m), retryMs: 20 });
    const handOver = commit.request(row('a'), 'finishing');
    const sent = commit.request(row('b'), 'sent');
    await expect(handOver).rejects.toThrow('database unreachable');
    expect(commit.hasUnrecordedSent).toBe(true);
    expect(await commit.flush()).toBe(false);
    down = false;
    expect(await sent).toBe(true);
    expect(await commit.flush()).toBe(true);
    expect(commit.hasUnrecordedSent).toBe(false);
    expect(logged[0]).toBe('an outbox commit failed:');
  });

  it('writes a "sent" again when its commit was lost after the hand-over, and runs afterSent only once it is durable', async () => {
    let lose = true;
    const db = recorder({ fail: () => (lose ? 'lose-commit' : null) });
    const durable: string[] = [];
    const commit = new GroupCommit<Row>({ apply: db.apply, log: quiet, retryMs: 10_000, afterSent: async (rows) => void durable.push(...rows.map((r) => r.id)) });
    expect(await commit.request(row('a'), 'sent')).toBe(true); // the worker goes on
    await expect.poll(() => commit.hasUnrecordedSent).toBe(true);
    expect(durable).toEqual([]);
    lose = false;
    expect(await commit.flush()).toBe(true);
    expect(durable).toEqual(['a']);
    expect(db.commits.flat().filter((g) => g.to === 'sent').flatMap((g) => g.ids)).toEqual(['a', 'a']);
  });

  it('gives up settling after its deadline and resolves what it could not write as not recorded', async () => {
    const commit = new GroupCommit<Row>({ apply: recorder({ fail: () => 'throw' }).apply, log: quiet, retryMs: 5 });
    const sent = commit.request(row('a'), 'sent');
    expect(await commit.settle(50)).toBe(1);
    expect(await sent).toBe(false);
  });

  it('keeps each instance to itself: one outbox never commits another one’s transitions', async () => {
    const [mail, hooks] = [recorder(), recorder()];
    const [m, h] = [new GroupCommit<Row>({ apply: mail.apply, log: quiet }), new GroupCommit<Row>({ apply: hooks.apply, log: quiet })];
    await Promise.all([m.request(row('mail-1'), 'finishing'), h.request(row('hook-1'), 'sent'), m.request(row('mail-2'), 'sent')]);
    expect(mail.commits.flat().flatMap((g) => g.ids).sort()).toEqual(['mail-1', 'mail-2']);
    expect(hooks.commits.flat().flatMap((g) => g.ids)).toEqual(['hook-1']);
  });
});
