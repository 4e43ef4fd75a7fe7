// A throw-away dnsmasq answering for probe.test on a free port of 127.0.0.1, in the foreground as
// this process's child (no system service, no other resolver asked). Needs /usr/sbin/dnsmasq
// (Debian package dnsmasq-base; scripts/ci/install-mail-tools.sh installs it).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort, waitFor } from '../../scripts/lib/wait.mjs';

const DNSMASQ = '/usr/sbin/dnsmasq';

export function dnsmasqUnavailable(): string | null {
  return existsSync(DNSMASQ) ? null : 'needs /usr/sbin/dnsmasq (Debian package dnsmasq-base)';
}

export interface Dnsmasq {
  /** "127.0.0.1:<port>", as a probe's resolver setting. */
  resolver: string;
  stop(): Promise<void>;
}

/** `records` are dnsmasq options beyond the basics, e.g. ['--address=/probe.test/192.0.2.10']. */
export async function startDnsmasq(records: string[]): Promise<Dnsmasq> {
  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(DNSMASQ, ['--no-resolv', '--no-hosts', '--conf-file=/dev/null', `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--keep-in-foreground', '--user=root', '--pid-file', ...records], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const { Resolver } = await import('node:dns/promises');
  const resolver = new Resolver({ timeout: 500, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  await waitFor(`dnsmasq on ${port}`, async () => {
    if (child.exitCode !== null) throw new Error(`dnsmasq exited with ${child.exitCode}: ${output}`);
    return resolver.resolve4('probe.test').then(() => true, (e: NodeJS.ErrnoException) => e.code === 'ENOTFOUND' || e.code === 'ENODATA');
  }, 15_000);
  return {
    resolver: `127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await waitFor('dnsmasq to stop', () => child.exitCode !== null || child.signalCode !== null, 5_000);
    },
  };
}
