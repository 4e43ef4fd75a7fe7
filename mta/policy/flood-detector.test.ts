import { describe, expect, it } from 'vitest';
import { FloodDetector } from './flood-detector.js';

const T0 = Date.parse('2014-12-02T02:00:00.000Z');

describe('flood detector', () => {
  it('reports a client once it sends more messages in a minute than allowed, not before', () => {
    const d = new FloodDetector({ messagesPerMinute: 60, rejectedRecipientsPerMinute: 10 });
    for (let i = 0; i < 60; i++) expect(d.message('192.0.2.1', T0 + i * 100)).toBeUndefined();
    expect(d.message('192.0.2.1', T0 + 6000)).toEqual({ trigger: 'messages', count: 61, threshold: 60, windowS: 60 });
  });

  it('reports refused recipients separately from messages', () => {
    const d = new FloodDetector({ messagesPerMinute: 60, rejectedRecipientsPerMinute: 10 });
    for (let i = 0; i < 10; i++) expect(d.rejectedRecipient('192.0.2.1', T0 + i)).toBeUndefined();
    expect(d.message('192.0.2.1', T0 + 10)).toBeUndefined();
    expect(d.rejectedRecipient('192.0.2.1', T0 + 11)).toMatchObject({ trigger: 'rejected_recipients', count: 11, threshold: 10 });
  });

  it('counts each client on its own', () => {
    const d = new FloodDetector({ messagesPerMinute: 3, rejectedRecipientsPerMinute: 0 });
    for (let i = 0; i < 3; i++) {
      d.message('192.0.2.1', T0 + i);
      d.message('192.0.2.2', T0 + i);
    }
    expect(d.message('192.0.2.2', T0 + 10)).toMatchObject({ count: 4 });
    expect(d.message('192.0.2.3', T0 + 10)).toBeUndefined();
  });

  it('uses a sliding minute: a steady sender just under the limit is never reported', () => {
    const d = new FloodDetector({ messagesPerMinute: 60, rejectedRecipientsPerMinute: 10 });
    // One message a second for five minutes is 60 in any minute, never 61.
    for (let s = 0; s < 300; s++) expect(d.message('192.0.2.1', T0 + s * 1000 + 1)).toBeUndefined();
    // Events older than a minute no longer count; the burst that makes 61 within one does.
    const later = T0 + 600_000;
    for (let i = 0; i < 30; i++) d.message('192.0.2.9', later - 61_000 + i);
    for (let i = 0; i < 60; i++) expect(d.message('192.0.2.9', later + i)).toBeUndefined();
    expect(d.message('192.0.2.9', later + 60)).toMatchObject({ count: 61 });
  });

  it('a 0 threshold switches that trigger off', () => {
    const d = new FloodDetector({ messagesPerMinute: 0, rejectedRecipientsPerMinute: 0 });
    for (let i = 0; i < 1000; i++) {
      expect(d.message('192.0.2.1', T0 + i)).toBeUndefined();
      expect(d.rejectedRecipient('192.0.2.1', T0 + i)).toBeUndefined();
    }
    expect(d.trackedClients).toBe(0);
  });

  it('forgets a client on request and drops idle clients in the sweep', () => {
    const d = new FloodDetector({ messagesPerMinute: 2, rejectedRecipientsPerMinute: 2 });
    d.message('192.0.2.1', T0);
    d.message('192.0.2.1', T0 + 1);
    d.forget('192.0.2.1');
    expect(d.message('192.0.2.1', T0 + 2)).toBeUndefined();
    d.rejectedRecipient('192.0.2.2', T0 + 30_000);
    expect(d.trackedClients).toBe(2);
    d.sweep(T0 + 61_000);
    expect(d.trackedClients).toBe(1);
    d.sweep(T0 + 91_000);
    expect(d.trackedClients).toBe(0);
  });
});
