// Turns one Postfix 3.x syslog line into one event for the rollups, or says the line is known
// noise ("ignored") or something this parser does not understand. Never throws.
import { SyslogClock, type SyslogClockOptions } from './timestamps.js';

export type DeliveryStatus = 'sent' | 'deferred' | 'bounced';

/** Postfix's delays=a/b/c/d: before the queue manager, in the queue manager, connection setup, transmission. */
export interface PostfixDelays {
  beforeQmgr: number;
  inQmgr: number;
  connSetup: number;
  transmission: number;
}

/**
 * Which line said a message was accepted: "authenticated" an smtpd "client=" with a SASL login
 * (a customer submitting mail), "pickup" a local submission (sendmail → pickup "uid= from="),
 * "cleanup" cleanup's "message-id=" (Postfix's own notices have no other line before it).
 * Absent: an smtpd or qmqpd "client=" without a login.
 */
export type AcceptedVia = 'authenticated' | 'pickup' | 'cleanup';

export type PostfixEvent =
  | {
      kind: 'delivery';
      queueId: string;
      /** The delivery agent: smtp, lmtp, local, virtual, pipe, discard, error, retry, … */
      agent: string;
      recipient: string;
      /** relay=: the next hop ("mx.example[192.0.2.1]:25"), "local", "virtual", a pipe transport's name, or "none". */
      relay: string;
      status: DeliveryStatus;
      delay: number;
      delays: PostfixDelays | null;
      /** The text in parentheses after the status: the remote's reply or why the delivery failed. */
      detail: string;
    }
  /** A message returned to its sender after maximal_queue_lifetime: counted as bounced. */
  | { kind: 'expired'; queueId: string }
  | { kind: 'reject'; queueId: string | null; reason: RejectReason; reply: string }
  /** smtpd "client=", pickup "uid= from=" or cleanup "message-id=": the message is in Postfix's hands. */
  | { kind: 'accepted'; queueId: string; via?: AcceptedVia }
  /** qmgr "from=<…>, size=…, nrcpt=… (queue active)": nrcpt counts all the message's recipients, on every retry too. */
  | { kind: 'queued'; queueId: string; nrcpt: number }
  | { kind: 'removed'; queueId: string }
  | { kind: 'ignored'; why: 'noise' | 'other_program' }
  | { kind: 'not_understood' };

export type RejectReason = 'unknown_recipient' | 'relay_denied' | 'blocklist' | 'helo' | 'sender' | 'content' | 'other';

export interface ParsedLine {
  /** Epoch milliseconds; null when the line had no readable timestamp. */
  time: number | null;
  event: PostfixEvent;
}

/** Lines longer than this are not Postfix log lines (syslog itself truncates far earlier). */
export const MAX_LINE_CHARS = 16 * 1024;

// "postfix/smtp[123]: ", "postfix-out/smtp[9]: ", "postfix/submission/smtpd[4]: "
const TAG = /^(\S+) ([\w.-]+(?:\/[\w.-]+)*)(?:\[(\d+)\])?: /;
const QUEUE_ID = /^(?:[0-9A-F]{5,20}|[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,24})$/;
const ID_PREFIX = /^([0-9A-Za-z]{5,24}): /;

const DELIVERY = /^to=<([^>]*)>,(?: orig_to=<[^>]*>,)? relay=([^,]*),(?: conn_use=\d+,)? delay=(\d+(?:\.\d+)?),(?: delays=(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?),)? dsn=\d\.\d{1,3}\.\d{1,3}, status=(\w+)(?: \((.*)\))?/;
const QUEUED = /^from=<[^>]*>, size=\d+, nrcpt=(\d+) \(queue active\)$/;
const EXPIRED = /^from=<[^>]*>, status=expired, returned to sender$/;
const REJECT = /^(?:milter-)?reject: (.*)$/;

// Programs whose every line is housekeeping as far as mail metrics are concerned.
const NOISE_PROGRAMS = new Set([
  'anvil', 'scache', 'tlsmgr', 'tlsproxy', 'dnsblog', 'master', 'postfix-script', 'verify', 'proxymap', 'proxywrite',
  'trivial-rewrite', 'postlogd', 'showq', 'flush', 'spawn', 'postmap', 'postalias', 'postconf', 'postqueue', 'postdrop', 'sendmail', 'postmulti',
]);

// Postfix's everyday chatter: recognised, not counted.
const NOISE = [
  /^(?:connect|disconnect) from /,
  /^(?:lost connection|timeout|too many errors) after /,
  /^(?:warning|statistics|fatal|panic|error): /,
  /^improper command pipelining after /,
  /^(?:Anonymous|Trusted|Untrusted|Verified) TLS connection established /,
  /^(?:SSL_accept error|setting up TLS connection|TLS library problem|SSL_connect error)/,
  /^connect to \S+: /,
  /^(?:daemon started|reload|terminating on signal|starting the Postfix|stopping the Postfix|refreshing the Postfix|Postfix is )/,
  /^(?:CONNECT from|PASS (?:NEW|OLD)|DISCONNECT|HANGUP|DNSBL rank|PREGREET|COMMAND |BARE NEWLINE|NON-SMTP COMMAND|(?:WHITE|ALLOW|BLACK|DENY)LISTED|(?:WHITE|ALLOW)LIST VETO|cache \S+ full cleanup)/,
  /^NOQUEUE: (?:filter|hold|discard|redirect|warn|info|prepend|replace|reject_warning): /,
  /^(?:Deleted|Requeued|Placed on hold|Released from hold): \d+ messages?$/,
  /^addr \S+ listed by domain /,
];
const NOISE_WITH_ID = [
  /^(?:sender|postmaster) (?:non-delivery|delivery status|delay) notification: /,
  /^(?:hold|discard|redirect|filter|warning|info|replace|prepend|reject_warning): /,
  /^(?:host \S+ said|lost connection with|conversation with|enabling PIX workarounds|skipped, still being delivered|requeued|placed on hold|released from hold|resent-message-id=)/,
  /^to=<[^>]*>,.* status=(?:deliverable|undeliverable) /, // address-verification probes, not mail
];

/** Reason for a rejection, from Postfix's reply text ("550 5.1.1 <x>: Recipient address rejected: User unknown …"). */
export function classifyReject(reply: string): RejectReason {
  if (/blocked using |\bRBL\b|Client host rejected: Access denied|\bblocked\b|\blisted\b/i.test(reply)) return 'blocklist';
  if (/\b[45]\.1\.1\b|User unknown|Recipient address rejected: (?:unverified address|undeliverable address)/i.test(reply)) return 'unknown_recipient';
  if (/Relay access denied/i.test(reply)) return 'relay_denied';
  if (/Helo command rejected/i.test(reply)) return 'helo';
  if (/Sender address rejected/i.test(reply)) return 'sender';
  if (/^(?:header|body) |message content rejected|^END-OF-MESSAGE from /i.test(reply)) return 'content';
  return 'other';
}

/** Parses the part after the timestamp and the program tag. */
export function parseMessage(program: string, message: string): PostfixEvent {
  if (message.startsWith('NOQUEUE: ')) {
    const body = message.slice('NOQUEUE: '.length);
    const reject = REJECT.exec(body);
    if (reject) return { kind: 'reject', queueId: null, reason: classifyReject(reject[1]!), reply: reject[1]! };
    return NOISE.some((re) => re.test(message)) ? { kind: 'ignored', why: 'noise' } : { kind: 'not_understood' };
  }

  const withId = ID_PREFIX.exec(message);
  if (withId && QUEUE_ID.test(withId[1]!)) {
    const queueId = withId[1]!;
    const body = message.slice(withId[0].length);
    const delivery = DELIVERY.exec(body);
    if (delivery) {
      const raw = delivery[8]!;
      const status: DeliveryStatus | null = raw === 'sent' ? 'sent' : raw === 'deferred' || raw === 'SOFTBOUNCE' ? 'deferred' : raw === 'bounced' || raw === 'expired' ? 'bounced' : null;
      if (status) {
        const delays = delivery[4] === undefined ? null : { beforeQmgr: Number(delivery[4]), inQmgr: Number(delivery[5]), connSetup: Number(delivery[6]), transmission: Number(delivery[7]) };
        return { kind: 'delivery', queueId, agent: program, recipient: delivery[1]!, relay: delivery[2]!.trim(), status, delay: Number(delivery[3]), delays, detail: delivery[9] ?? '' };
      }
    }
    if (body === 'removed') return { kind: 'removed', queueId };
    const queued = QUEUED.exec(body);
    if (queued) return { kind: 'queued', queueId, nrcpt: Number(queued[1]) };
    if (EXPIRED.test(body)) return { kind: 'expired', queueId };
    if (body.startsWith('client=')) return /, sasl_username=/.test(body) ? { kind: 'accepted', queueId, via: 'authenticated' } : { kind: 'accepted', queueId };
    if (body.startsWith('message-id=')) return { kind: 'accepted', queueId, via: 'cleanup' };
    if (/^uid=\d+ from=</.test(body)) return { kind: 'accepted', queueId, via: 'pickup' };
    const reject = REJECT.exec(body);
    if (reject) return { kind: 'reject', queueId, reason: classifyReject(reject[1]!), reply: reject[1]! };
    if (NOISE_WITH_ID.some((re) => re.test(body))) return { kind: 'ignored', why: 'noise' };
    return { kind: 'not_understood' };
  }

  if (NOISE.some((re) => re.test(message)) || NOISE_PROGRAMS.has(program)) return { kind: 'ignored', why: 'noise' };
  return { kind: 'not_understood' };
}

/** A stateful line parser: the clock carries the year across December → January. */
export class PostfixLineParser {
  private readonly clock: SyslogClock;

  constructor(options: SyslogClockOptions = {}) {
    this.clock = new SyslogClock(options);
  }

  parse(line: string): ParsedLine {
    try {
      if (line.length > MAX_LINE_CHARS || line.includes('\0')) return { time: null, event: { kind: 'not_understood' } };
      const stamped = this.clock.read(line.endsWith('\r') ? line.slice(0, -1) : line);
      if (!stamped) return { time: null, event: { kind: 'not_understood' } };
      const tag = TAG.exec(stamped.rest);
      if (!tag) return { time: stamped.time, event: { kind: 'not_understood' } };
      const path = tag[2]!.split('/');
      // syslog_name is "postfix" by default; multi-instance setups use "postfix-out" and the like.
      if (!path[0]!.startsWith('postfix')) return { time: stamped.time, event: { kind: 'ignored', why: 'other_program' } };
      const program = path.length > 1 ? path.at(-1)! : path[0]!;
      return { time: stamped.time, event: parseMessage(program, stamped.rest.slice(tag[0].length)) };
    } catch {
      return { time: null, event: { kind: 'not_understood' } };
    }
  }
}
