import 'server-only';
import nodemailer from 'nodemailer';
import { nodemailerOptions, smtpClientSettings } from '../smtp/url';
import { CANARY_HEADER } from './mailbox';

// Sends one canary as any sender outside would: a plain SMTP session to the receiving server, no
// login (the bundled MTA's local submission credential is never offered), STARTTLS when a remote
// server offers it. The message is small and ordinary, so it waits where customers' mail waits.

export interface CanaryMessage {
  smtpUrl: string;
  from: string;
  to: string;
  token: string;
  sentAt: Date;
}

export async function sendCanary(m: CanaryMessage): Promise<void> {
  const transport = nodemailer.createTransport({
    ...nodemailerOptions(smtpClientSettings(m.smtpUrl)),
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  try {
    await transport.sendMail({
      from: m.from,
      to: m.to,
      subject: `Tayori canary ${m.token}`,
      date: m.sentAt,
      headers: { [CANARY_HEADER]: m.token, 'Auto-Submitted': 'auto-generated' },
      text:
        'この試験メールはステータスサイトが受信経路の遅延を測るために送っています。自動で削除されます。\n' +
        'This test message is sent by the status site to measure delay on the inbound mail path. It is removed automatically.\n',
    });
  } finally {
    transport.close();
  }
}

/** The SMTP reply code of a failed send ("550 …"), or the error's own text (no connection, a timeout). */
export function sendFailure(error: unknown): string {
  const e = error as { responseCode?: number; response?: string; message?: string };
  if (e.responseCode && e.response) return e.response.startsWith(String(e.responseCode)) ? e.response : `${e.responseCode} ${e.response}`;
  return e.message ?? String(error);
}
