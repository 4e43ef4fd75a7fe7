import { adminLang } from '@/lib/auth/admin-lang';
import { requireStaffPage } from '@/lib/auth/guard';
import { explainRules } from '@/lib/rules/explain';
import { mta } from '@/lib/mta/admin-client';
import { AdminShell } from '../_components/admin-shell';
import { BlocklistTable } from './_components/blocklist-table';
import { QueueTable } from './_components/queue-table';
import { RuleEvidence } from './_components/rule-evidence';
import { BlockForm, FlushForm, ScanPolicyForm } from './mail-forms';

const T = {
  ja: {
    title: 'メールシステム', queue: 'キュー', depth: '滞留数', oldest: '最も古いメール', scanWait: 'スキャン待ちの最長', topTalkers: '送信元（滞留数の多い順）',
    blocklist: 'ブロックリスト', kind: '種類', value: '値', reason: '理由', block: 'ブロックする', unblock: '解除', done: '完了', client: 'IPアドレス / CIDR', senderDomain: '送信元ドメイン', helo: 'HELO名',
    addedBy: '登録', expires: '期限', automatic: '自動', untilRemoved: '解除まで',
    blocklistOff: 'ブロックリストは無効です（MTA_BLOCKLIST=off）。登録内容は適用されません。', autoOff: '自動ブロックは無効です（MTA_AUTO_BLOCK）。',
    autoRule: '自動ブロック: {triggers}送信元IPを{minutes}分間ブロックします。', perMinuteMessages: '1分間に{n}通を超えてメールを送った', perMinuteRefused: '1分間に{n}件を超えて宛先を拒否された', or: '、または',
    scan: 'SPAMチェック', policy: '動作', note: 'SPAMチェックを止めている間（停止・自動のどちらでも）、ステータスページの「SPAMチェック」は一部障害と表示され、お知らせが掲載されます。停止の理由はそのお知らせに載ります。', apply: '切り替える', enabled: '有効', bypass: '停止（バイパス）', auto: '自動（滞留時のみ停止）',
    flush: '保留中のメールを今すぐ再送', unreachable: 'MTAの管理APIに接続できません', seconds: '秒',
    oldestEntries: '古い順のメール', id: 'キューID', state: '状態', from: '送信者', to: '宛先（未配送）', age: '経過', attempts: '試行', nextAttempt: '次の試行', lastError: '最後のエラー', act: '操作',
    bounceAction: '送信者に返送', deleteAction: '削除', bounceReason: '返送の理由（送信者に伝わります）', confirmAct: 'このメールを返送・削除します（元に戻せません）', emptyQueue: '待機中のメールはありません。',
  },
  en: {
    title: 'Mail system', queue: 'Queue', depth: 'Messages waiting', oldest: 'Oldest message', scanWait: 'Longest wait for a scan', topTalkers: 'Senders (most waiting first)',
    blocklist: 'Blocklist', kind: 'Kind', value: 'Value', reason: 'Reason', block: 'Block', unblock: 'Remove', done: 'Done', client: 'IP address / CIDR', senderDomain: 'Sender domain', helo: 'HELO name',
    addedBy: 'Added by', expires: 'Expires', automatic: 'automatic', untilRemoved: 'when removed',
    blocklistOff: 'The blocklist is off (MTA_BLOCKLIST=off): its entries are not applied.', autoOff: 'Automatic blocking is off (MTA_AUTO_BLOCK).',
    autoRule: 'Automatic blocking: a client IP that {triggers} is blocked for {minutes} minutes.', perMinuteMessages: 'sends more than {n} messages a minute', perMinuteRefused: 'has more than {n} recipients refused a minute', or: ' or ',
    scan: 'Spam check', policy: 'Mode', note: 'While the spam check is skipped (off, or automatically), the status page shows “Spam check” as a partial outage with a note; the reason for switching it off appears in that note.', apply: 'Switch', enabled: 'On', bypass: 'Off (bypass)', auto: 'Automatic (off only while mail waits)',
    flush: 'Retry deferred mail now', unreachable: 'The MTA admin API does not answer', seconds: 's',
    oldestEntries: 'Oldest messages', id: 'Queue ID', state: 'State', from: 'Sender', to: 'Recipients (pending)', age: 'Age', attempts: 'Attempts', nextAttempt: 'Next attempt', lastError: 'Last error', act: 'Action',
    bounceAction: 'Return to sender', deleteAction: 'Delete', bounceReason: 'Reason (the sender is told)', confirmAct: 'Return or delete this message (cannot be undone)', emptyQueue: 'No mail is waiting.',
  },
};

export default async function MailPage() {
  const staff = await requireStaffPage('admin');
  const lang = await adminLang();
  const t = T[lang];
  const [queue, blocklist, policy] = await Promise.allSettled([mta.queue(), mta.blocklist(), mta.scanPolicy()]);
  const evidence = await explainRules();
  const unreachable = [queue, blocklist, policy].find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
  return (
    <AdminShell staff={staff} lang={lang} current="/admin/mail">
      <h1>{t.title}</h1>
      {unreachable && (
        <p className="form-error" role="alert">
          {t.unreachable}: {String(unreachable.reason?.message ?? unreachable.reason)}
        </p>
      )}
      <RuleEvidence rules={evidence} lang={lang} />
      <section aria-labelledby="queue-heading">
        <h2 id="queue-heading">{t.queue}</h2>
        {queue.status === 'fulfilled' && (
          <>
            <dl className="facts">
              <div><dt>{t.depth}</dt><dd data-queue-depth={queue.value.depth}>{queue.value.depth}</dd></div>
              <div><dt>{t.oldest}</dt><dd>{queue.value.oldest_age_s} {t.seconds}</dd></div>
              <div><dt>{t.scanWait}</dt><dd>{queue.value.oldest_scan_wait_s} {t.seconds}</dd></div>
            </dl>
            <h3>{t.topTalkers}</h3>
            <ol>
              {queue.value.top_sources.client_ips.map(({ client_ip, queued }) => (
                <li key={client_ip}>{client_ip}: {queued}</li>
              ))}
            </ol>
          </>
        )}
        {queue.status === 'fulfilled' && (
          <>
            <h3>{t.oldestEntries}</h3>
            <QueueTable
              messages={queue.value.messages.slice(0, 50)}
              t={{ id: t.id, state: t.state, from: t.from, to: t.to, age: t.age, attempts: t.attempts, nextAttempt: t.nextAttempt, lastError: t.lastError, act: t.act, bounce: t.bounceAction, delete: t.deleteAction, bounceReason: t.bounceReason, confirm: t.confirmAct, done: t.done, empty: t.emptyQueue, seconds: t.seconds }}
            />
          </>
        )}
        <FlushForm t={{ flush: t.flush, done: t.done }} />
      </section>
      <section aria-labelledby="scan-heading">
        <h2 id="scan-heading">{t.scan}</h2>
        <ScanPolicyForm current={policy.status === 'fulfilled' ? policy.value.policy : 'enabled'} t={{ policy: t.policy, reason: t.reason, note: t.note, apply: t.apply, done: t.done, enabled: t.enabled, bypass: t.bypass, auto: t.auto }} />
      </section>
      <section aria-labelledby="blocklist-heading">
        <h2 id="blocklist-heading">{t.blocklist}</h2>
        {blocklist.status === 'fulfilled' && <BlocklistTable listing={blocklist.value} lang={lang} t={t} />}
        <BlockForm t={{ kind: t.kind, value: t.value, reason: t.reason, block: t.block, done: t.done, client: t.client, senderDomain: t.senderDomain, helo: t.helo }} />
      </section>
    </AdminShell>
  );
}
