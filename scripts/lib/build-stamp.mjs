// Decides whether the Next.js production build is current: a hash of everything the build reads,
// stored next to the build. `npm start` and the tests build only when it changed.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// contracts/ is bundled into the site through package.json's "imports" (#contracts/*).
const INPUTS = ['app', 'components', 'contracts', 'lib', 'public', 'next.config.js', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json', 'prisma/schema.prisma'];
const SKIP = new Set(['generated', 'node_modules']);
// Baked into the build (asset URLs, server action ids), so changing one calls for a new build.
const BUILD_ENV = ['NEXT_DEPLOYMENT_ID', 'NEXT_SERVER_ACTIONS_ENCRYPTION_KEY'];
const distDir = () => process.env.NEXT_DIST_DIR || '.next';
const stampFile = () => path.join(distDir(), 'tayori-build-hash');

function walk(entry, files) {
  if (!existsSync(entry)) return;
  if (statSync(entry).isDirectory()) {
    for (const name of readdirSync(entry).sort()) {
      if (!SKIP.has(name) && !name.endsWith('.test.ts')) walk(path.join(entry, name), files);
    }
  } else {
    files.push(entry);
  }
}

export function sourceHash() {
  const files = [];
  for (const input of INPUTS) walk(input, files);
  const hash = createHash('sha256');
  for (const file of files) hash.update(file).update('\0').update(readFileSync(file)).update('\0');
  // Only when set, so a build made without them stays current.
  for (const name of BUILD_ENV) if (process.env[name]) hash.update(`${name}=${process.env[name]}\0`);
  return hash.digest('hex');
}

export function buildIsCurrent() {
  return existsSync(path.join(distDir(), 'BUILD_ID')) && existsSync(stampFile()) && readFileSync(stampFile(), 'utf8') === sourceHash();
}

export function recordBuild() {
  writeFileSync(stampFile(), sourceHash());
}
