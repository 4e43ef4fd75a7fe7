// No code depends on a package's private modules: a patch release may change them without notice.
// nodemailer documents two of its lib/ modules for direct use (SMTPConnection and MailComposer,
// nodemailer.com/extras); its DKIM signer and MIME helpers are its own business (the DKIM option of
// its transports and libmime are the public ways). smtp-server's internals are patched in one
// module only, against a pinned release (mta/smtp/smtp-server-internals.ts).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const SOURCES = ['app', 'components', 'contracts', 'lib', 'mta', 'scripts', 'tests', 'worker'];
const SKIP = new Set(['node_modules', 'generated']);

const DOCUMENTED_NODEMAILER_MODULES = new Set(['smtp-connection', 'mail-composer']);
const SMTP_SERVER_INTERNALS_DOOR = 'mta/smtp/smtp-server-internals.ts';

function sourceFiles(dir: string, files: string[] = []): string[] {
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP.has(entry.name)) sourceFiles(relative, files);
    } else if (/\.(ts|tsx|mts|mjs|js)$/.test(entry.name)) {
      files.push(relative);
    }
  }
  return files;
}

/** Every module specifier a file imports (static, dynamic and re-exports). */
function specifiers(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

describe('imports of packages', () => {
  it('use only the modules a package documents for use', () => {
    const offences: string[] = [];
    for (const file of SOURCES.flatMap((dir) => sourceFiles(dir))) {
      if (file === path.join('scripts', 'private-imports.test.ts')) continue;
      for (const spec of specifiers(fs.readFileSync(path.join(ROOT, file), 'utf8'))) {
        const nodemailer = /^nodemailer\/lib\/([^/]+)/.exec(spec);
        if (nodemailer && !DOCUMENTED_NODEMAILER_MODULES.has(nodemailer[1]!)) offences.push(`${file}: ${spec}`);
        if (spec.startsWith('smtp-server/lib/') && file !== SMTP_SERVER_INTERNALS_DOOR) offences.push(`${file}: ${spec}`);
      }
    }
    expect(offences).toEqual([]);
  });
});
