// Delivery status notifications (RFC 3464 multipart/report), sent to the envelope sender when
// mail bounces, in the shape Postfix uses so that mail clients show them properly.
import crypto from 'node:crypto';

export interface FailedRecipient {
  address: string;
  status: string;
  diagnostic: string;
}

export function buildBounce(options: {
  hostname: string;
  queueId: string;
  sender: string;
  arrivalDate: Date;
  failed: FailedRecipient[];
  originalHeaders: string;
  now?: Date;
}): Buffer {
  const now = options.now ?? new Date();
  const boundary = `${options.queueId}.${crypto.randomBytes(6).toString('hex')}/${options.hostname}`;
  const reportingMta = `dns; ${options.hostname}`;
  const human = [
    `This is the mail system at host ${options.hostname}.`,
    '',
    "I'm sorry to have to inform you that your message could not",
    'be delivered to one or more recipients. It\'s attached below.',
    '',
    'For further assistance, please send mail to postmaster.',
    '',
    '                   The mail system',
    '',
    ...options.failed.map((f) => `<${f.address}>: ${f.diagnostic}`),
  ].join('\r\n');
  const perRecipient = options.failed
    .map((f) =>
      [
        `Final-Recipient: rfc822; ${f.address}`,
        `Original-Recipient: rfc822; ${f.address}`,
        'Action: failed',
        `Status: ${f.status}`,
        `Diagnostic-Code: smtp; ${f.diagnostic.replace(/\r?\n/g, ' ')}`,
      ].join('\r\n'),
    )
    .join('\r\n\r\n');
  const headers = options.originalHeaders.replace(/\r?\n/g, '\r\n').replace(/(\r\n)+$/, '');
  const lines = [
    `From: MAILER-DAEMON@${options.hostname} (Mail Delivery System)`,
    `To: ${options.sender}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Date: ${now.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${options.queueId}.bounce.${now.getTime()}@${options.hostname}>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    'Content-Transfer-Encoding: 8bit',
    '',
    'This is a MIME-encapsulated message.',
    '',
    `--${boundary}`,
    'Content-Description: Notification',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    human,
    '',
    `--${boundary}`,
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: ${reportingMta}`,
    `X-Tayori-Queue-ID: ${options.queueId}`,
    `X-Tayori-Sender: rfc822; ${options.sender}`,
    `Arrival-Date: ${options.arrivalDate.toUTCString().replace('GMT', '+0000')}`,
    '',
    perRecipient,
    '',
    `--${boundary}`,
    'Content-Description: Undelivered Message Headers',
    'Content-Type: text/rfc822-headers',
    '',
    headers,
    '',
    `--${boundary}--`,
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}
