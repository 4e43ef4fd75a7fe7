// The token MTAs and log shippers present to /api/ingest/*. When INGEST_TOKEN is unset, one is
// generated on first start and kept in <DATA_DIR>/ingest-token (mode 0600), so the bundled MTA
// and the site agree without configuration.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function ensureIngestToken(dataDir = process.env.DATA_DIR || 'data') {
  if (process.env.INGEST_TOKEN) return { token: process.env.INGEST_TOKEN, created: false };
  const file = path.join(dataDir, 'ingest-token');
  mkdirSync(dataDir, { recursive: true });
  try {
    const token = randomBytes(32).toString('hex');
    writeFileSync(file, token, { mode: 0o600, flag: 'wx' });
    return { token, created: true, file };
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
    // A token file others can read (a copy, a restore from a backup) is made owner-only again.
    const mode = statSync(file).mode;
    if (mode & 0o077) chmodSync(file, mode & 0o700);
    return { token: readFileSync(file, 'utf8').trim(), created: false, file };
  }
}
