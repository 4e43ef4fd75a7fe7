// The MTA's SMTP protections replace and wrap smtp-server internals (smtp-server-internals.ts).
// They hold for the release they were read against, so this fails as soon as another one is
// installed or asked for: re-read the patches against it first, then move the pin.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionPrototype, originalMethod, PATCHED_VERSION, streamPrototype } from './smtp-server-internals.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const packageDir = path.dirname(require.resolve('smtp-server/package.json'));
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, any>;

// sha256 of the code the patches were read against, as the MTA loads it (the ES module build).
const FINGERPRINTS: Record<string, string> = {
  'dist/esm/smtp-connection.js': 'b7ee51b8774cabf09ce667a89743efd027eca234d23bee5e5296c2c00de0fd3a',
  'dist/esm/smtp-stream.js': '4e48daabf1b43c951e6f561940a9d141ed3f2d953f8783889586c67122c2aa18',
};

// Every member replaced, wrapped or called by greeting-delay.ts, enhanced-replies.ts, auth-gate.ts and session-guard.ts.
const CONNECTION_METHODS = ['init', 'connectionReady', 'send', 'close', 'handler_AUTH', 'handler_DATA', '_createParser', '_setListeners', '_onClose', '_onCommand'];
const STREAM_METHODS = ['_write'];

describe('smtp-server, whose internals the MTA patches', () => {
  it('is pinned to exactly the release the patches were written for, and that release is installed', () => {
    expect(readJson(path.join(ROOT, 'package.json')).dependencies['smtp-server']).toBe(PATCHED_VERSION);
    expect(readJson(path.join(ROOT, 'package-lock.json')).packages['node_modules/smtp-server'].version).toBe(PATCHED_VERSION);
    expect(readJson(path.join(packageDir, 'package.json')).version).toBe(PATCHED_VERSION);
  });

  it('has the very connection and parser code the patches were read against', () => {
    for (const [file, sha256] of Object.entries(FINGERPRINTS)) {
      expect(createHash('sha256').update(fs.readFileSync(path.join(packageDir, file))).digest('hex'), file).toBe(sha256);
    }
    for (const name of CONNECTION_METHODS) expect(() => originalMethod(connectionPrototype, name), name).not.toThrow();
    for (const name of STREAM_METHODS) expect(() => originalMethod(streamPrototype, name), name).not.toThrow();
  });

  it('stops the MTA with the member\'s name when one is gone', () => {
    expect(() => originalMethod(connectionPrototype, 'handler_XYZZY')).toThrow(`smtp-server has no SMTPConnection#handler_XYZZY: the MTA's SMTP protections were written for smtp-server ${PATCHED_VERSION}`);
  });
});
