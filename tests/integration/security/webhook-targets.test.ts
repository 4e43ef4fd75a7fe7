import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type TestDatabase } from '../../support/database';
import { copyDatabase, startSite, type RunningSite } from '../../support/site';
import { postForm } from './client';

// Webhooks go to the public Internet only (lib/webhooks/url-guard.ts): registering one for this
// host, a private network or a cloud metadata service is refused through the public form, in any
// spelling of the address, and nothing is stored. This held before; it must keep holding.

let site: RunningSite;
let db: TestDatabase;

beforeAll(async () => {
  site = await startSite({ RULE_TICK_SECONDS: '300', DATABASE_URL: copyDatabase('webhook-targets'), SUBSCRIBE_LIMIT_PER_IP_PER_HOUR: '100' });
  db = openDatabase(site.databaseUrl);
});
afterAll(async () => {
  await db?.$disconnect();
  await site?.stop();
});

const FORBIDDEN = 'Notifications cannot be sent to local or private network addresses.';

describe('webhook registration', () => {
  it('refuses loopback, private, link-local and metadata targets in every spelling', async () => {
    const targets = [
      `${site.url}/api/internal/tick`,
      'http://localhost:2580/api/queue',
      'http://admin.localhost/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://2130706433/',
      'http://0x7f000001/',
      'http://127.1/',
      'http://0.0.0.0/',
      'http://10.0.0.5/hook',
      'http://172.16.0.1/',
      'http://192.168.1.1/',
      'http://100.64.0.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://[fd00::1]/',
      'http://[fe80::1]/',
      'http://printer.local/',
    ];
    for (const url of targets) {
      const answer = await postForm(`${site.url}/en/subscribe?channel=webhook`, [['url', url], ['scope', 'all']], { testId: 'webhook-form', from: '127.0.0.81' });
      expect(answer.text, url).toContain(FORBIDDEN);
    }
    expect(await db.webhookEndpoint.count()).toBe(0);
  });
});
