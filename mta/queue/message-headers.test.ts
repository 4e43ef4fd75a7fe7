import { describe, expect, it } from 'vitest';
import { scanHeaders, withoutSpamHeaders } from './message-headers.js';

describe('scan headers', () => {
  it('strips X-Spam-* headers a sender added, folded lines included, and keeps the rest', () => {
    const input = Buffer.from('Subject: hi\r\nX-Spam-Status: No,\r\n\tscore=-100\r\nX-Spam-Flag: NO\r\nFrom: a@example.org\r\n\r\nX-Spam-Status: in the body stays\r\n');
    expect(withoutSpamHeaders(input).toString()).toBe('Subject: hi\r\nFrom: a@example.org\r\n\r\nX-Spam-Status: in the body stays\r\n');
  });

  it('strips a sender’s X-Tayori-Lane header, which only the MTA writes for the status site’s own mail', () => {
    const input = Buffer.from('Subject: urgent\r\nX-Tayori-Lane: submission\r\nx-tayori-lane :\r\n submission\r\nX-Tayori-Laneway: kept\r\n\r\nbody\r\n');
    expect(withoutSpamHeaders(input).toString()).toBe('Subject: urgent\r\nX-Tayori-Laneway: kept\r\n\r\nbody\r\n');
  });

  it('writes SpamAssassin-style verdict headers', () => {
    expect(scanHeaders({ check: 'done', score: 7.25, spam: true, virus: null, scanners: ['builtin'], detail: 'SUBJ_ALL_CAPS,GTUBE' }, 5)).toBe(
      'X-Spam-Check: done (builtin)\r\nX-Spam-Status: Yes, score=7.3 required=5.0 tests=SUBJ_ALL_CAPS,GTUBE\r\nX-Spam-Score: 7.3\r\nX-Spam-Flag: YES\r\n',
    );
    expect(scanHeaders({ check: 'skipped', score: null, spam: false, virus: null, scanners: [], detail: 'scan policy bypass' }, 5)).toBe('X-Spam-Check: skipped (scan policy bypass)\r\n');
    expect(scanHeaders(null, 5)).toBe('');
  });
});
