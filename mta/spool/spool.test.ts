import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newQueueId, Spool, type NewMessage } from './spool.js';

function message(id: string, body = 'Subject: x\r\n\r\nhello\r\n'): NewMessage {
  return {
    id,
    state: 'scan',
    clientIp: '192.0.2.1',
    helo: 'client.example',
    mailFrom: 'a@example.org',
    sourceKey: '192.0.2.1',
    size: body.length,
    body: Buffer.from(body),
    receivedAt: Date.now(),
    internal: false,
    recipients: [{ idx: 0, address: 'user1@demo.tayori.test', route: 'local', domain: 'demo.tayori.test', localPart: 'user1', state: 'pending', status: null, diagnostic: null }],
  };
}

describe('spool', () => {
  it('keeps accepted messages across a reopen, in arrival order, until they are finished', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spool-'));
    const first = new Spool(dir);
    // Accepted together: one group commit.
    const accepted = await Promise.all(['A', 'B', 'C'].map((s, i) => first.accept(message(`${newQueueId(1000 + i)}${s}`))));
    expect(accepted.map((m) => m.seq)).toEqual([1, 2, 3]);
    const done = accepted[1]!;
    done.recipients[0]!.state = 'delivered';
    await first.recordAttempt(done, true);
    const deferred = accepted[2]!;
    deferred.state = 'deferred';
    deferred.attempts = 1;
    deferred.nextAttemptAt = 123_456;
    deferred.lastError = '450 4.3.0 try later';
    await first.recordAttempt(deferred, false);
    await first.close();

    const second = new Spool(dir);
    const left = second.loadUnfinished();
    expect(left.map((m) => m.id)).toEqual([accepted[0]!.id, accepted[2]!.id]);
    expect(left[1]).toMatchObject({ state: 'deferred', attempts: 1, nextAttemptAt: 123_456, lastError: '450 4.3.0 try later' });
    expect(second.body(left[0]!)!.inMemory!.toString()).toContain('hello');
    expect(second.body(done)).toBeUndefined();
    await second.close();
  });

  it("keeps a large message's text in a file of its own, removed with the message; a file without a message goes at start", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spool-'));
    const first = new Spool(dir);
    const id = newQueueId();
    const incoming = first.incoming(id, Buffer.from('Received: x\r\n'), 10_000_000);
    incoming.write(Buffer.alloc(1_000_000, 'a'));
    const done = await incoming.finish();
    expect('file' in done && done.file).toBe(first.bodyPath(id));
    const accepted = await first.accept({ ...message(id), size: done.size, body: { file: first.bodyPath(id) } });
    expect(accepted.bodyInFile).toBe(true);
    // A crash after a body file was written and before its message was committed leaves an orphan.
    fs.writeFileSync(first.bodyPath('0ORPHAN'), 'never committed');
    await first.close();

    const second = new Spool(dir);
    expect(fs.existsSync(second.bodyPath('0ORPHAN'))).toBe(false);
    const [again] = second.loadUnfinished();
    expect(again).toMatchObject({ id, bodyInFile: true, size: 1_000_013 });
    const body = second.body(again!)!;
    expect(body.inMemory).toBeUndefined();
    expect((await body.head(12)).toString()).toBe('Received: x\r');
    again!.recipients[0]!.state = 'delivered';
    await second.recordAttempt(again!, true);
    await new Promise((r) => setTimeout(r, 50));
    expect(fs.existsSync(second.bodyPath(id))).toBe(false);
    await second.close();
  });

  it('one failing write does not cost the others in the same commit', async () => {
    const spool = new Spool(fs.mkdtempSync(path.join(os.tmpdir(), 'spool-')));
    const id = newQueueId();
    const results = await Promise.allSettled([spool.accept(message(id)), spool.accept(message(id)), spool.accept(message(`${id}X`))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(spool.loadUnfinished()).toHaveLength(2);
    await spool.close();
  });

  it('queue ids sort by time and are safe in file names', () => {
    const a = newQueueId(1_700_000_000_000);
    const b = newQueueId(1_700_000_000_001);
    expect(a < b).toBe(true);
    expect(a).toMatch(/^[0-9A-Z]{17}$/);
  });
});
