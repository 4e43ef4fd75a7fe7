import { describe, expect, it } from 'vitest';
import { HELP, parseOptions, UsageError } from './options';

const parse = (...args: string[]) => {
  const o = parseOptions([...args, '/var/log/mail.log'], {} as NodeJS.ProcessEnv);
  if (o === 'help') throw new Error('help');
  return o;
};

describe('--waiting-flow and --next-hop', () => {
  it('default to an MX: waiting mail inbound, no next-hop rules', () => {
    expect(parse()).toMatchObject({ waitingFlow: 'inbound', nextHops: [] });
  });

  it('take a flow and repeated rules', () => {
    expect(parse('--waiting-flow', 'outbound', '--next-hop', 'mailstore.hosted.test=inbound', '--next-hop', '127.0.0.1:10024=filter')).toMatchObject({
      waitingFlow: 'outbound',
      nextHops: [
        { host: 'mailstore.hosted.test', port: null, role: 'inbound' },
        { host: '127.0.0.1', port: 10024, role: 'filter' },
      ],
    });
  });

  it('refuse what they do not know, naming the option', () => {
    expect(() => parse('--waiting-flow', 'sideways')).toThrow(UsageError);
    expect(() => parse('--waiting-flow', 'sideways')).toThrow(/--waiting-flow must be inbound or outbound/);
    expect(() => parse('--next-hop', 'mailstore')).toThrow(/--next-hop "mailstore" is not HOST\[:PORT\]=inbound\|outbound\|filter/);
  });

  it('are in --help', () => {
    expect(HELP).toMatch(/--waiting-flow FLOW/);
    expect(HELP).toMatch(/--next-hop HOST\[:PORT\]=ROLE/);
  });
});
