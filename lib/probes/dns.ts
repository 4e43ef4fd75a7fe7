import { Resolver } from 'node:dns/promises';
import { parseHostPort } from './target';
import { ProbeFailure, type ProbeSpec } from './types';
import type { DnsSettings } from './schema';

const normalise = (value: string) => value.trim().toLowerCase().replace(/\.$/, '');

/** Resolves the name with the configured resolver and compares the answers with the expected value. */
export async function runDns(probe: ProbeSpec, signal: AbortSignal): Promise<Record<string, unknown>> {
  const settings = probe.settings as DnsSettings;
  // One try within the probe's timeout: a resolver that does not answer is a failure, not a retry loop.
  const resolver = new Resolver({ timeout: probe.timeoutS * 1000, tries: 1 });
  if (settings.resolver) {
    const parsed = parseHostPort(settings.resolver);
    if ('problem' in parsed) throw new ProbeFailure(`the resolver "${settings.resolver}" is not address[:port]`);
    resolver.setServers([parsed.port ? (parsed.host.includes(':') ? `[${parsed.host}]:${parsed.port}` : `${parsed.host}:${parsed.port}`) : parsed.host]);
  }
  const cancel = () => resolver.cancel();
  signal.addEventListener('abort', cancel, { once: true });
  let answers: string[];
  try {
    answers = await resolve(resolver, probe.target, settings.recordType);
  } catch (error) {
    if (signal.aborted) throw ProbeFailure.of('noAnswer', { seconds: probe.timeoutS });
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    if (code === 'ENOTFOUND' || code === 'ENODATA') throw ProbeFailure.of('dnsNoRecord', { name: probe.target, type: settings.recordType }, { answers: [] });
    throw new ProbeFailure(`${probe.target} ${settings.recordType}: ${code}`, { answers: [] });
  } finally {
    signal.removeEventListener('abort', cancel);
  }
  const detail = { answers: answers.slice(0, 10) };
  if (settings.expected && !answers.some((a) => normalise(a) === normalise(settings.expected))) {
    throw ProbeFailure.of('dnsMismatch', { name: probe.target, type: settings.recordType, answers: answers.join(', ') || '—', expected: settings.expected }, detail);
  }
  return detail;
}

async function resolve(resolver: Resolver, name: string, type: DnsSettings['recordType']): Promise<string[]> {
  switch (type) {
    case 'A':
      return resolver.resolve4(name);
    case 'AAAA':
      return resolver.resolve6(name);
    case 'CNAME':
      return resolver.resolveCname(name);
    case 'MX':
      return (await resolver.resolveMx(name)).sort((a, b) => a.priority - b.priority).map((mx) => mx.exchange);
    case 'TXT':
      return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(''));
  }
}
