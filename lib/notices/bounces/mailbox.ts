import 'server-only';
import path from 'node:path';
import { BOUNCE_MAILBOX } from '#contracts/bounce-address';
import { createImapMessageMailbox, imapMailboxLocation } from '../../canary/imap-mailbox';
import { createMaildirMessageMailbox, maildirPath } from '../../canary/maildir-mailbox';
import type { MessageMailbox } from '../../canary/mailbox';
import { env } from '../../env';
import { noticeMailDomain } from '../../site/mail-identity';

/**
 * The mailbox the notices' return paths lead to: over IMAP when BOUNCE_MAILBOX_URL names one,
 * else the bundled MTA's Maildir for bounces@<the notices' domain> (mta/policy/recipient-policy.ts
 * delivers every bounces+… address there). `where` is safe to log: never the password.
 */
export function openBounceMailbox(): { reader: MessageMailbox; where: string } {
  const url = env.BOUNCE_MAILBOX_URL;
  if (url) return { reader: createImapMessageMailbox(url, 'BOUNCE_MAILBOX_URL'), where: imapMailboxLocation(url) };
  const dir = maildirPath(path.join(env.DATA_DIR, 'mail'), `${BOUNCE_MAILBOX}@${noticeMailDomain()}`);
  return { reader: createMaildirMessageMailbox(dir), where: dir };
}
