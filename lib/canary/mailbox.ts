// Where the canary's test messages are looked for once sent: the bundled MTA's Maildir on this
// host, or any mailbox over IMAP (a Postfix + Dovecot fleet). Both answer the same question.

/** The header that marks a message as one of the canary's, with the probe's token as its value. */
export const CANARY_HEADER = 'X-Tayori-Canary';

/** A canary message found in the mailbox. */
export interface CanaryArrival {
  /** The value of the message's X-Tayori-Canary header. */
  token: string;
  /**
   * When the message reached the mailbox, as the mailbox recorded it (a Maildir file's mtime, an
   * IMAP INTERNALDATE), so the figure does not depend on how often the mailbox is read.
   */
  arrivedAt: Date;
  /** Filed as junk by the spam check: delivered, but not where the customer looks first. */
  junk: boolean;
}

export interface CanaryMailbox {
  /**
   * The canary messages now in the mailbox (INBOX and Junk), which are then removed from it so the
   * mailbox never grows. Any other message is left alone. Throws when the mailbox cannot be read.
   */
  collect(): Promise<CanaryArrival[]>;
  /** Releases a connection, if the mailbox keeps one. */
  close(): Promise<void>;
}

/** A whole message taken from a mailbox (the bounce mailbox's reports, lib/notices/bounces). */
export interface MailboxMessage {
  raw: Buffer;
  /** When the message reached the mailbox, as the mailbox recorded it. */
  arrivedAt: Date;
  junk: boolean;
}

/**
 * A mailbox read message by message, each removed only once it has been handled: the same
 * Maildir and IMAP readers as the canary's, for every message rather than the canary's alone.
 */
export interface MessageMailbox {
  /**
   * Hands every message in INBOX and Junk to `handle`, one at a time, and removes each once
   * `handle` has resolved; when `handle` throws, that message stays and the error is thrown.
   * Returns how many messages were handled. Throws when the mailbox cannot be read.
   */
  drain(handle: (message: MailboxMessage) => Promise<void>): Promise<number>;
  close(): Promise<void>;
}
