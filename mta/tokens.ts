// Secrets the MTA generates when they are not configured: its own admin token, the site's ingest
// token and the local submission password. Each is created on first start, stored in a file only
// its owner can read (mode 0600), and never written to the log: log lines name the file.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Reads the token in file, or creates it. Creation writes a temporary file and hard-links it into
 * place: link() fails if the file appeared meanwhile, so two processes starting together (site
 * and MTA) end up with the same token, and a reader never sees a half-written file.
 */
export function readOrCreateToken(file: string): { token: string; created: boolean } {
  const existing = readToken(file);
  if (existing) return { token: existing, created: false };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const token = crypto.randomBytes(32).toString('hex');
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, `${token}\n`, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(tmp, file);
    return { token, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another process created it first; a writer that creates the file before writing it (the
    // site's launcher does) may not have written it yet.
    for (let attempt = 0; attempt < 50; attempt++) {
      const other = readToken(file);
      if (other) return { token: other, created: false };
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
    throw new Error(`${file} exists but holds no token`);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Makes an existing secret file owner-only again if someone opened it up (a copy, a chmod, a
 * restore from a backup). Answers true when it had to.
 */
export function restrictToOwner(file: string): boolean {
  let mode: number;
  try {
    mode = fs.statSync(file).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  if ((mode & 0o077) === 0) return false;
  fs.chmodSync(file, mode & 0o700);
  return true;
}

function readToken(file: string): string | undefined {
  try {
    const value = fs.readFileSync(file, 'utf8').trim();
    return value || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function tokensEqual(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}
