// Mail traffic for the simulator: SMTP clients that each speak from their own loopback address
// (all of 127.0.0.0/8 reaches this host on Linux), so that the MTA sees hundreds of distinct
// clients, as an MX does in a flood. Every message carries its id, kind and the time it was sent,
// and every outcome (accepted with the time of the 250, refused with the reply, or failed) is kept.
import { randomUUID } from 'node:crypto';
import SMTPConnection from 'nodemailer/lib/smtp-connection';

export type MailKind = 'legit' | 'spam';

export interface SentMessage {
  id: string;
  kind: MailKind;
  ip: string;
  rcpt: string;
  sentAt: number;
  /** When the MTA answered 250 to the final dot: from here on the MTA owns the message. */
  acceptedAt?: number;
  /** The reply that refused it (connect, MAIL, RCPT or DATA), or the connection error. */
  refused?: string;
  failed?: string;
}

export interface TrafficSpec {
  kind: MailKind;
  /** Messages per second, spread evenly. */
  rate: number;
  ips: string[];
  /** The recipient of the n-th message. */
  recipient: (n: number) => string;
}

/** Addresses 127.<block>.x.y for `count` clients: each traffic source gets its own block. */
export function loopbackAddresses(block: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `127.${block}.${Math.floor((i + 1) / 250)}.${((i + 1) % 250) + 1}`);
}

const LEGIT_TEXT = [
  'いつもお世話になっております。',
  '先日お送りした見積書の件で、数量の訂正がございましたので、改めてお送りいたします。',
  'ご確認のほど、よろしくお願いいたします。',
  '',
  'Thanks for the meeting notes; the revised quote is attached below as text.',
].join('\r\n');
const SPAM_TEXT = 'CONGRATULATIONS lottery winner! Claim your prize today, 100% free, wire transfer fees only.\r\n';

/** The Message-ID header each simulated message carries: what a customer would copy to trace it. */
export function messageIdOf(m: Pick<SentMessage, 'id'>): string {
  return `<${m.id}@sim.tayori.test>`;
}

export function messageSource(m: Pick<SentMessage, 'id' | 'kind' | 'ip' | 'rcpt' | 'sentAt'>, from: string): string {
  const subject = m.kind === 'spam' ? 'CLAIM YOUR PRIZE NOW!!!' : `Re: quote ${m.id.slice(0, 8)}`;
  const body = m.kind === 'spam' ? SPAM_TEXT.repeat(12) : `${LEGIT_TEXT}\r\n`.repeat(6);
  return [
    `From: <${from}>`,
    `To: <${m.rcpt}>`,
    `Subject: ${subject}`,
    `Date: ${new Date(m.sentAt).toUTCString().replace(/GMT$/, '+0000')}`,
    `Message-ID: ${messageIdOf(m)}`,
    `X-Sim-Id: ${m.id}`,
    `X-Sim-Kind: ${m.kind}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
  ].join('\r\n');
}

/** One SMTP session for one message, from `ip`; resolves with the outcome recorded on `m`. */
export function sendOne(port: number, m: SentMessage, timeoutMs = 120_000): Promise<SentMessage> {
  const from = `${m.kind === 'spam' ? 'promo' : 'staff'}@${m.kind}-${m.ip.replace(/\./g, '-')}.example`;
  return new Promise((resolve) => {
    let settled = false;
    const connection = new SMTPConnection({
      host: '127.0.0.1',
      port,
      localAddress: m.ip,
      name: `${m.kind}-${m.ip.replace(/\./g, '-')}.example`,
      ignoreTLS: true,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
    const finish = (outcome: Partial<SentMessage>) => {
      if (settled) return;
      settled = true;
      Object.assign(m, outcome);
      try {
        connection.quit();
      } catch {
        // already closed
      }
      resolve(m);
    };
    connection.on('error', (error: Error & { responseCode?: number; response?: string }) =>
      finish(error.responseCode ? { refused: error.response ?? `${error.responseCode}` } : { failed: error.message }),
    );
    connection.connect(() => {
      connection.send({ from, to: [m.rcpt] }, messageSource(m, from), (error, info) => {
        if (error) {
          const e = error as Error & { responseCode?: number; response?: string };
          return finish(e.responseCode ? { refused: e.response ?? `${e.responseCode}` } : { failed: e.message });
        }
        if (info.rejected.length) return finish({ refused: String(info.rejectedErrors?.[0]?.message ?? 'recipient refused') });
        finish({ acceptedAt: Date.now() });
      });
    });
  });
}

export interface RunningTraffic {
  messages: SentMessage[];
  /** Stops generating; resolves when every session has ended. */
  stop: () => Promise<void>;
}

/**
 * Sends at `spec.rate` until stopped, one session per message, cycling through the client
 * addresses. Sessions that the MTA holds open (greeting delay, a slow spool) do not slow the
 * schedule, up to `maxInFlight`; beyond that the source falls behind, as a real botnet would not.
 */
export function startTraffic(port: number, spec: TrafficSpec, maxInFlight = 400): RunningTraffic {
  const messages: SentMessage[] = [];
  const started = Date.now();
  const inFlight = new Set<Promise<SentMessage>>();
  let n = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - started) / 1000) * spec.rate);
    while (n < due && inFlight.size < maxInFlight) {
      const m: SentMessage = { id: randomUUID(), kind: spec.kind, ip: spec.ips[n % spec.ips.length]!, rcpt: spec.recipient(n), sentAt: Date.now() };
      n++;
      messages.push(m);
      const p = sendOne(port, m).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
  }, 20);
  return {
    messages,
    async stop() {
      clearInterval(timer);
      await Promise.all([...inFlight]);
    },
  };
}
