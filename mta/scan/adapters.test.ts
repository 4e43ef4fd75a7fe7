// Reply parsing of the scanner adapters; the adapters themselves are tested against the real
// daemons in tests/integration/mta/scanners.test.ts.
import { describe, expect, it } from 'vitest';
import { parseClamdReply } from './clamd-scanner.js';
import { parseRspamdReply } from './rspamd-scanner.js';
import { parseSpamdReply } from './spamd-scanner.js';

describe('scanner replies', () => {
  it('spamd: score, threshold and rules', () => {
    expect(parseSpamdReply('SPAMD/1.1 0 EX_OK\r\nContent-length: 17\r\nSpam: True ; 1000.0 / 5.0\r\n\r\nGTUBE,NO_RECEIVED')).toEqual({ scanner: 'spamd', score: 1000, virus: null, detail: 'GTUBE,NO_RECEIVED' });
    expect(parseSpamdReply('SPAMD/1.1 0 EX_OK\r\nSpam: False ; -0.1 / 5.0\r\n\r\n').score).toBe(-0.1);
    expect(() => parseSpamdReply('SPAMD/1.0 76 Bad header line: x\r\n\r\n')).toThrow('spamd: 76 Bad');
  });

  it('clamd: clean, infected, error', () => {
    expect(parseClamdReply('stream: OK\0')).toEqual({ scanner: 'clamd', score: null, virus: null, detail: '' });
    expect(parseClamdReply('stream: Tayori.Test.EICAR.UNOFFICIAL FOUND\0').virus).toBe('Tayori.Test.EICAR.UNOFFICIAL');
    expect(() => parseClamdReply('INSTREAM size limit exceeded. ERROR\0')).toThrow('clamd: INSTREAM size limit exceeded. ERROR');
  });

  it('rspamd: score and the symbols that count', () => {
    expect(parseRspamdReply({ score: 15.123, required_score: 15, action: 'reject', symbols: { GTUBE: { score: 0 }, MISSING_DATE: { score: 1 }, R_SPF_NA: { score: 0 } } })).toEqual({ scanner: 'rspamd', score: 15.12, virus: null, detail: 'MISSING_DATE' });
    expect(() => parseRspamdReply({})).toThrow('rspamd: reply has no score');
  });
});
