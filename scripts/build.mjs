// `npm run build`: migrate and import content (a bad report stops here, naming the file and
// field), then the Next.js production build.
import { spawnSync } from 'node:child_process';
import { recordBuild } from './lib/build-stamp.mjs';
import { prepareDatabase } from './prepare-db.mjs';

try {
  prepareDatabase();
} catch (error) {
  console.error(`tayori: ${error.message}`);
  process.exit(1);
}
const build = spawnSync('npx', ['next', 'build'], { stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
if (build.status !== 0) process.exit(build.status ?? 1);
recordBuild();
