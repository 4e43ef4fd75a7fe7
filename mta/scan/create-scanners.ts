// Builds the scanner chain named in MTA_SCANNER (scores add up; any virus verdict wins).
import type { MtaConfig } from '../config.js';
import { BuiltinScanner } from './builtin-scanner.js';
import { ClamdScanner } from './clamd-scanner.js';
import { RspamdScanner } from './rspamd-scanner.js';
import type { Scanner } from './scanner.js';
import { SpamdScanner } from './spamd-scanner.js';

export function createScanners(config: MtaConfig): Scanner[] {
  const s = config.scan;
  return s.scanners.map((name) => {
    switch (name) {
      case 'builtin':
        return new BuiltinScanner(s.builtinCostMs);
      case 'spamd':
        return new SpamdScanner(s.spamd.host, s.spamd.port);
      case 'clamd':
        return new ClamdScanner(s.clamd.host, s.clamd.port);
      case 'rspamd':
        return new RspamdScanner(s.rspamdUrl);
    }
  });
}
