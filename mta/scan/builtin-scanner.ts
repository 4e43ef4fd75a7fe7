// A small rules scanner that needs nothing installed, so a fresh checkout scans mail out of the
// box. It recognises the standard GTUBE and EICAR test strings (what operators use to check
// that filtering works end to end) and scores a few classic spam traits.
import type { ScanInput, ScanVerdict, Scanner } from './scanner.js';

export const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
// EICAR as the start of a base64-encoded attachment, which is how it usually travels in mail.
const EICAR_BASE64_PREFIX = Buffer.from(EICAR).toString('base64').slice(0, 60);

interface Rule {
  name: string;
  score: number;
  test: (headers: string, body: string) => boolean;
}

const SPAM_PHRASES = /\b(viagra|cialis|lottery winner|you have won|claim your prize|100% free|earn money fast|work from home|wire transfer|nigerian prince|crypto giveaway)\b/i;

function header(headers: string, name: string): string | undefined {
  const match = new RegExp(`^${name}:[ \\t]*((?:.*)(?:\\r?\\n[ \\t].*)*)`, 'im').exec(headers);
  return match?.[1]?.replace(/\r?\n[ \t]+/g, ' ').trim();
}

const RULES: Rule[] = [
  { name: 'GTUBE', score: 1000, test: (h, b) => h.includes(GTUBE) || b.includes(GTUBE) },
  { name: 'MISSING_DATE', score: 1, test: (h) => header(h, 'Date') === undefined },
  { name: 'MISSING_MID', score: 1, test: (h) => header(h, 'Message-ID') === undefined },
  { name: 'MISSING_SUBJECT', score: 0.5, test: (h) => !header(h, 'Subject') },
  {
    name: 'SUBJ_ALL_CAPS',
    score: 1.5,
    test: (h) => {
      const subject = header(h, 'Subject') ?? '';
      const letters = subject.replace(/[^A-Za-z]/g, '');
      return letters.length >= 10 && letters === letters.toUpperCase();
    },
  },
  { name: 'SPAM_PHRASE_SUBJECT', score: 3, test: (h) => SPAM_PHRASES.test(header(h, 'Subject') ?? '') },
  { name: 'SPAM_PHRASE_BODY', score: 2.5, test: (_h, b) => SPAM_PHRASES.test(b) },
  { name: 'MANY_EXCLAMATIONS', score: 1, test: (h) => /!{3,}/.test(header(h, 'Subject') ?? '') },
];

export class BuiltinScanner implements Scanner {
  readonly name = 'builtin';

  /** @param costMs simulated per-message work, to model a slow spam-check cluster in drills */
  constructor(private readonly costMs = 0) {}

  async scan(input: ScanInput, signal: AbortSignal): Promise<ScanVerdict> {
    if (this.costMs > 0) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, this.costMs);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new Error('scan aborted'));
        });
      });
    }
    // Only the first 256 KiB: enough for the text parts, bounded cost for huge attachments.
    const text = (await input.message.head(256 * 1024)).toString('latin1');
    const split = text.search(/\r?\n\r?\n/);
    const headers = split < 0 ? text : text.slice(0, split);
    const body = split < 0 ? '' : text.slice(split);
    const virus = text.includes(EICAR) || text.includes(EICAR_BASE64_PREFIX) ? 'Eicar-Test-Signature' : null;
    const fired = RULES.filter((rule) => rule.test(headers, body));
    const score = fired.reduce((sum, rule) => sum + rule.score, 0);
    return { scanner: this.name, score, virus, detail: fired.map((r) => r.name).join(',') };
  }
}
