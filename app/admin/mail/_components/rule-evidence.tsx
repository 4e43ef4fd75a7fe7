import { LocalTime } from '@/components/local-time';
import type { Lang } from '@/lib/i18n/locales';
import { messages } from '@/lib/i18n/messages';
import type { RuleExplanation } from '@/lib/rules/explain';
import type { ComponentStatus } from '@/lib/status/types';

const T = {
  ja: {
    heading: '計測で決まるコンポーネント',
    intro: 'ステータスページの表示は、ここに示す直近の計測から決まります（メールアドレスやドメインはお客様には表示されません）。',
    shown: '表示中', rule: '計測による判定', override: '担当者が設定中', noData: 'データなし', lastData: '最後のデータ',
    thresholds: (d: number, p: number, m: number, w: number, leave: number) => `${d}秒超でパフォーマンス低下、${p}秒超で一部障害、${m}秒超で重大な障害（${w}区間続いたら変更、${leave}秒正常が続いたら戻す）`,
    inbound: (n: number, share: number) => `受信メール（配送済みと待機中）の遅い方から「${n}通、または全体の${share}%」のどちらか多い方の番目にあたる遅延で判定します。数通だけ止まっていても変わりません。`,
    outbound: (n: number, share: number) => `直近10分にメールのあった宛先ドメインのうち、待ち時間の長い方から「${n}件、または宛先の${share}%」のどちらか多い方の番目の宛先の待ち時間で判定します。1つの宛先だけの滞留（相手側の問題）では変わりません。`,
    scan: 'いずれかのMTAがSPAMチェックを省略して配送している間は「一部障害」となり、ステータスページにお知らせが掲載されます。',
    windows: '直近の判定（10秒ごと）', time: '時刻', value: '判定値', delivered: '配送', waiting: '待機', destinations: '宛先',
    sources: '送信元（MTA・ログ）', source: '名前', depth: '待機数', oldest: '最古', deferred: '保留', bypassing: 'SPAMチェック省略',
    waitingFor: '待機中の宛先（長い順）', domain: 'ドメイン', lastError: '最後のエラー', none: 'なし', s: '秒', yes: 'はい', no: 'いいえ',
  },
  en: {
    heading: 'Measured components',
    intro: 'The status page shows what these recent measurements say (customers never see addresses or domains).',
    shown: 'Shown', rule: 'Measured', override: 'Set by staff', noData: 'No data', lastData: 'Last data',
    thresholds: (d: number, p: number, m: number, w: number, leave: number) => `over ${d} s degraded, over ${p} s partial outage, over ${m} s major outage (after ${w} windows; back after ${leave} healthy seconds)`,
    inbound: (n: number, share: number) => `Judged by the delay reached by the ${n} slowest messages or the slowest ${share} % of the inbound mail (delivered and waiting), whichever is more. A few stuck messages change nothing.`,
    outbound: (n: number, share: number) => `Judged by how long mail waits for the ${n} slowest destination domains or the slowest ${share} % of the domains that had mail in the last 10 minutes, whichever is more. One stuck destination (the remote's trouble) changes nothing.`,
    scan: 'While any MTA delivers without the spam check, the component is a partial outage and the status page carries a note.',
    windows: 'Latest windows (10 s each)', time: 'Time', value: 'Value', delivered: 'Delivered', waiting: 'Waiting', destinations: 'Destinations',
    sources: 'Sources (MTAs, logs)', source: 'Name', depth: 'Waiting', oldest: 'Oldest', deferred: 'Deferred', bypassing: 'Spam check skipped',
    waitingFor: 'Destinations waiting (longest first)', domain: 'Domain', lastError: 'Last error', none: 'none', s: 's', yes: 'yes', no: 'no',
  },
};

const seconds = (v: number) => (v >= 100 ? Math.round(v).toString() : v.toFixed(1));

/** What each measured component's status rests on, in the console only. */
export function RuleEvidence({ rules, lang }: { rules: RuleExplanation[]; lang: Lang }) {
  const t = T[lang];
  const m = messages(lang);
  const statusName = (s: string) => (s === 'no_data' ? t.noData : (m.componentStatus[s as ComponentStatus] ?? s));
  return (
    <section aria-labelledby="evidence-heading">
      <h2 id="evidence-heading">{t.heading}</h2>
      <p>{t.intro}</p>
      {rules.map((r) => (
        <article key={r.componentSlug} className="evidence" data-evidence={r.componentSlug}>
          <h3>{lang === 'ja' ? r.nameJa : r.nameEn}</h3>
          <dl className="facts">
            <div><dt>{t.shown}</dt><dd data-shown-status={r.shownStatus}>{r.noData ? t.noData : statusName(r.shownStatus)}</dd></div>
            <div><dt>{t.rule}</dt><dd data-rule-status={r.ruleStatus}>{statusName(r.ruleStatus)}</dd></div>
            {r.overrideStatus && <div><dt>{t.override}</dt><dd>{statusName(r.overrideStatus)}</dd></div>}
            <div><dt>{t.lastData}</dt><dd>{r.lastDataAt ? <LocalTime iso={r.lastDataAt} lang={lang} /> : '—'}</dd></div>
          </dl>
          <p>
            {r.metric === 'scan_bypass'
              ? t.scan
              : r.flow === 'outbound'
                ? t.outbound(r.settings.minDestinations, Math.round(r.settings.destinationShare * 100))
                : t.inbound(r.settings.minMessages, Math.round(r.settings.share * 100))}
            {r.metric === 'mail_delay' && ` ${t.thresholds(r.thresholds.degradedAboveS, r.thresholds.partialAboveS, r.thresholds.majorAboveS, r.thresholds.enterWindows, r.thresholds.leaveAfterS)}`}
          </p>
          {r.windows.length > 0 && (
            <table>
              <caption>{t.windows}</caption>
              <thead>
                <tr><th scope="col">{t.time}</th><th scope="col">{t.value}</th><th scope="col">{t.delivered}</th><th scope="col">{t.waiting}</th>{r.flow === 'outbound' && <th scope="col">{t.destinations}</th>}</tr>
              </thead>
              <tbody>
                {r.windows.map((w) => (
                  <tr key={w.start}>
                    <th scope="row"><LocalTime iso={w.start} lang={lang} /></th>
                    <td data-value={w.value}>{seconds(w.value)} {t.s}</td>
                    <td>{w.delivered}</td>
                    <td>{w.waiting}</td>
                    {r.flow === 'outbound' && <td>{w.destinations ?? '—'}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <table>
            <caption>{t.sources}</caption>
            <thead>
              <tr><th scope="col">{t.source}</th><th scope="col">{t.time}</th><th scope="col">{t.delivered}</th><th scope="col">{t.deferred}</th><th scope="col">{t.depth}</th><th scope="col">{t.oldest}</th><th scope="col">{t.bypassing}</th></tr>
            </thead>
            <tbody>
              {r.sources.length === 0 && <tr><td colSpan={7}>{t.none}</td></tr>}
              {r.sources.map((s) => (
                <tr key={s.source} data-source={s.source}>
                  <th scope="row"><code>{s.source}</code></th>
                  <td><LocalTime iso={s.lastWindow} lang={lang} /></td>
                  <td>{s.delivered}</td>
                  <td>{s.deferred}</td>
                  <td>{s.queueDepth}</td>
                  <td>{seconds(s.oldestAgeS)} {t.s}</td>
                  <td>{s.scanBypassing ? t.yes : t.no}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {r.metric === 'mail_delay' && (
            <table>
              <caption>{t.waitingFor}</caption>
              <thead>
                <tr><th scope="col">{t.domain}</th><th scope="col">{t.waiting}</th><th scope="col">{t.oldest}</th><th scope="col">{t.lastError}</th><th scope="col">{t.source}</th></tr>
              </thead>
              <tbody>
                {r.destinations.length === 0 && <tr><td colSpan={5}>{t.none}</td></tr>}
                {r.destinations.map((d) => (
                  <tr key={d.domain} data-destination={d.domain}>
                    <th scope="row">{d.domain}</th>
                    <td>{d.waiting}</td>
                    <td>{seconds(d.oldestAgeS)} {t.s}</td>
                    <td className="wrap">{d.lastError ?? '—'}</td>
                    <td>{d.sources.join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </article>
      ))}
    </section>
  );
}
