// The scanner interface every adapter implements, and how several scanners' verdicts combine.
import type { MessageBody } from '../spool/message-body.js';

export interface ScanInput {
  queueId: string;
  mailFrom: string;
  recipients: string[];
  clientIp: string;
  helo: string;
  /**
   * The whole message as it will be delivered (headers and body, CRLF line ends), read as a
   * scanner needs it: a large message is streamed from the spool, never loaded whole.
   */
  message: MessageBody;
}

export interface ScanVerdict {
  scanner: string;
  /** Spam score (higher is spammier), null for scanners that only look for viruses. */
  score: number | null;
  /** Name of the virus found, null when clean. */
  virus: string | null;
  /** Short human-readable reason, e.g. the rules that fired. */
  detail: string;
}

export interface Scanner {
  readonly name: string;
  scan(input: ScanInput, signal: AbortSignal): Promise<ScanVerdict>;
  close?(): Promise<void>;
}

export class ScanTimeoutError extends Error {
  constructor(scanner: string, ms: number) {
    super(`${scanner} did not answer within ${ms} ms`);
  }
}

/** Runs all scanners on one message with one deadline; the scores add up, any virus wins. */
export async function runScanners(scanners: Scanner[], input: ScanInput, timeoutMs: number): Promise<ScanVerdict[]> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ScanTimeoutError(scanners.map((s) => s.name).join('+'), timeoutMs));
    }, timeoutMs);
  });
  try {
    return await Promise.race([Promise.all(scanners.map((s) => s.scan(input, controller.signal))), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
