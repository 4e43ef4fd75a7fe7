// npm run ingest:postfix -- [--follow] <logfile>: Postfix logs → 10-second mail-metric rollups → the status site.
// See docs/postfix-ingest.md and `--help`.
import { access, constants } from 'node:fs/promises';
import { ingestFollow, ingestOnce, type IngestIo } from './postfix/ingest.js';
import { HELP, parseOptions, readIngestToken, UsageError } from './postfix/options.js';

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`ingest-postfix: ${error.message}\n\n${HELP}`);
    return 2;
  }
  if (options === 'help') {
    console.log(HELP);
    return 0;
  }

  if (!options.follow) {
    try {
      await access(options.file, constants.R_OK);
    } catch (error) {
      console.error(`ingest-postfix: cannot read ${options.file}: ${(error as Error).message}`);
      return 2;
    }
  }

  let token = '';
  if (!options.dryRun) {
    const found = readIngestToken();
    if (!found) {
      console.error(`ingest-postfix: no ingest token: set INGEST_TOKEN, or DATA_DIR to the site's data directory (looked for ${process.env.DATA_DIR || 'data'}/ingest-token)`);
      return 2;
    }
    token = found.token;
  }

  const io: IngestIo = {
    out: (line) => process.stdout.write(`${line}\n`),
    log: (line) => process.stderr.write(`${line}\n`),
    // A token file the site rewrites while we follow is picked up on the next request.
    token: () => (options.dryRun ? '' : (readIngestToken()?.token ?? token)),
  };

  if (!options.follow) return ingestOnce(options, io);

  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return ingestFollow(options, io, stop.signal);
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`ingest-postfix: ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
