import { LineClient } from './line-client';
import { hostPortOf } from './tcp';
import { ProbeFailure, type ProbeSpec } from './types';
import type { MailSettings } from './schema';

/** The +OK banner, STLS when asked, USER/PASS when a user is set. */
export async function runPop3(probe: ProbeSpec, signal: AbortSignal): Promise<Record<string, unknown>> {
  const settings = probe.settings as MailSettings;
  const { host, port } = hostPortOf(probe.target, settings.tls === 'implicit' ? 995 : 110);
  const where = `${host}:${port}`;
  const client = await LineClient.connect(host, port, { implicitTls: settings.tls === 'implicit', tlsVerify: settings.tlsVerify, label: where, signal });
  const abort = () => client.close();
  signal.addEventListener('abort', abort, { once: true });
  try {
    const banner = await client.readLine();
    if (!banner.startsWith('+OK')) throw ProbeFailure.of('bannerWrong', { where, banner: banner.slice(0, 120), expected: '+OK' });
    if (settings.tls === 'starttls') {
      client.send('STLS');
      const answer = await client.readLine();
      if (!answer.startsWith('+OK')) throw new ProbeFailure(`${where} refused STLS: ${answer.slice(0, 120)}`);
      await client.startTls(host, settings.tlsVerify);
    }
    if (settings.user) {
      client.send(`USER ${settings.user}`);
      const user = await client.readLine();
      if (!user.startsWith('+OK')) throw ProbeFailure.of('loginRefused', { where, reply: user.slice(0, 120) });
      client.send(`PASS ${settings.password}`);
      const pass = await client.readLine();
      if (!pass.startsWith('+OK')) throw ProbeFailure.of('loginRefused', { where, reply: pass.slice(0, 120) });
    }
    client.send('QUIT');
    return { banner: banner.slice(0, 120), login: Boolean(settings.user) };
  } finally {
    signal.removeEventListener('abort', abort);
    client.close();
  }
}
