import { createImapMailbox, imapMailboxLocation } from './imap-mailbox';
import { createMaildirMailbox, maildirPath } from './maildir-mailbox';
import type { CanaryMailbox } from './mailbox';

/**
 * The canary's mailbox from the settings: over IMAP when CANARY_MAILBOX_URL names one (a Postfix +
 * Dovecot fleet), else the bundled MTA's Maildir for CANARY_TO. `where` is safe to log: never the password.
 */
export function openCanaryMailbox(url: string | undefined, mailRoot: string, to: string): { reader: CanaryMailbox; where: string } {
  const dir = maildirPath(mailRoot, to);
  if (url) return { reader: createImapMailbox(url), where: imapMailboxLocation(url) };
  return { reader: createMaildirMailbox(dir), where: dir };
}
