// Seeds the component catalogue and imports content/incidents into the database.
// Run by scripts/prepare-db.mjs (npm start, npm run build); exits non-zero naming the bad file.
import { importReports } from '../lib/content/import';
import { db } from '../lib/db';
import { prepareStorage } from '../lib/db-dialect';
import { env } from '../lib/env';
import { ContentError } from '../lib/content/reports';

try {
  await prepareStorage(db, env.DATABASE_URL);
  const summary = await importReports();
  const parts = [
    summary.componentsCreated ? `${summary.componentsCreated} components created` : null,
    summary.reportsImported.length ? `imported ${summary.reportsImported.join(', ')}` : null,
    `${summary.reportsUnchanged} reports unchanged`,
  ].filter(Boolean);
  console.log(`content: ${parts.join('; ')}`);
  if (process.env.TAYORI_IMPORT_RESULT) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(process.env.TAYORI_IMPORT_RESULT, JSON.stringify(summary));
  }
} catch (error) {
  console.error(error instanceof ContentError ? error.message : error);
  process.exit(1);
}
