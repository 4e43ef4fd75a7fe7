import { LocalTime } from '@/components/local-time';
import { firingAlertsByComponent, recentNotifications } from '@/lib/alertmanager/queries';
import { adminLang } from '@/lib/auth/admin-lang';
import { requireStaffPage } from '@/lib/auth/guard';
import { alertText } from '@/lib/i18n/admin-alerts';
import { messages } from '@/lib/i18n/messages';
import type { ComponentStatus } from '@/lib/status/types';
import { AdminShell } from '../_components/admin-shell';

// Staff's view of Prometheus Alertmanager's alerts: what fires now per component, with the alert
// names, labels and summaries customers never see, and the latest notifications' outcome.
export default async function AlertsPage() {
  const staff = await requireStaffPage('editor');
  const lang = await adminLang();
  const t = alertText(lang);
  const statusName = (s: string) => messages(lang).componentStatus[s as ComponentStatus] ?? s;
  const [components, notifications] = await Promise.all([firingAlertsByComponent(), recentNotifications()]);
  return (
    <AdminShell staff={staff} lang={lang} current="/admin/alerts">
      <h1>{t.alerts}</h1>
      <p>{t.intro}</p>
      {components.length === 0 && <p data-alerts-empty>{t.none}</p>}
      {components.map((c) => (
        <section key={c.componentId} data-alerts-component={c.slug}>
          <h2>
            {lang === 'ja' ? c.nameJa : c.nameEn} <code>{c.slug}</code>
          </h2>
          <p>
            {t.status}: {statusName(c.status)}
            {c.overrideStatus ? ` (${t.overridden})` : ''}
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">{t.alertName}</th>
                <th scope="col">{t.level}</th>
                <th scope="col">{t.summary}</th>
                <th scope="col">{t.labels}</th>
                <th scope="col">{t.since}</th>
                <th scope="col">{t.lastNotified}</th>
              </tr>
            </thead>
            <tbody>
              {c.alerts.map((a) => (
                <tr key={a.fingerprint} data-alert={a.fingerprint}>
                  <td>{a.alertName}</td>
                  <td>{statusName(a.level)}</td>
                  <td>{a.summary}</td>
                  <td>
                    <small>
                      {Object.entries(a.labels)
                        .map(([k, v]) => `${k}=${v}`)
                        .join(', ')}
                    </small>
                  </td>
                  <td>
                    <LocalTime iso={a.startsAt} lang={lang} />
                  </td>
                  <td>
                    <LocalTime iso={a.lastNotifiedAt} lang={lang} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
      <h2>{t.notifications}</h2>
      {notifications.length === 0 ? (
        <p>{t.noNotifications}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t.received}</th>
              <th scope="col">{t.key}</th>
              <th scope="col">{t.applied}</th>
              <th scope="col">{t.ignored}</th>
              <th scope="col">{t.unknownComponents}</th>
            </tr>
          </thead>
          <tbody>
            {notifications.map((n, i) => (
              <tr key={i}>
                <td>
                  <LocalTime iso={n.at} lang={lang} />
                </td>
                <td>{n.actor}</td>
                <td>
                  {n.details.applied ?? 0} / {n.details.alerts ?? 0}
                </td>
                <td>
                  {Object.entries(n.details.ignored ?? {})
                    .map(([reason, count]) => `${reason}: ${count}`)
                    .join(', ')}
                </td>
                <td>{(n.details.unknownComponents ?? []).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </AdminShell>
  );
}
