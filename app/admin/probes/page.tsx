import Link from 'next/link';
import { LocalTime } from '@/components/local-time';
import { adminLang } from '@/lib/auth/admin-lang';
import { requireStaffPage } from '@/lib/auth/guard';
import { probeText } from '@/lib/i18n/admin-probes';
import { componentChoices } from '@/lib/probes/admin';
import { runProblemText, storedRunProblem } from '@/lib/probes/run-problems';
import { listProbes, type ProbeDto } from '@/lib/probes/store';
import { AdminShell } from '../_components/admin-shell';
import { statusLabels } from '../_components/labels';
import { KIND_NAMES } from './_components/kind-names';
import { ProbeForm } from './_components/probe-form';

/** Why the latest run failed, in the console's language when the result says which problem it was. */
function failureText(latest: NonNullable<ProbeDto['latest']>, lang: 'ja' | 'en'): string {
  const problem = storedRunProblem(latest.detail);
  return problem ? runProblemText(problem, lang) : (latest.error ?? '');
}

const percent = (share: number | null) => (share === null ? '—' : `${(Math.floor(share * 10_000) / 100).toFixed(2)}%`);

export default async function ProbesPage({ searchParams }: { searchParams: Promise<{ component?: string; saved?: string; deleted?: string }> }) {
  const staff = await requireStaffPage('editor');
  const lang = await adminLang();
  const t = probeText(lang);
  const labels = statusLabels(lang);
  const query = await searchParams;
  const components = await componentChoices();
  const selected = components.find((c) => c.slug === query.component);
  const probes = await listProbes(selected?.id);
  const name = (c: { nameJa: string; nameEn: string }) => (lang === 'ja' ? c.nameJa : c.nameEn);
  const byComponent = new Map<string, ProbeDto[]>();
  for (const p of probes) byComponent.set(p.componentId, [...(byComponent.get(p.componentId) ?? []), p]);

  return (
    <AdminShell staff={staff} lang={lang} current="/admin/probes">
      <h1>{t.probes}</h1>
      <p>{t.intro}</p>
      {query.saved && <p role="status">{t.saved}</p>}
      {query.deleted && <p role="status">{t.deleted}</p>}
      <form method="get" className="inline-form">
        <label htmlFor="probe-filter">{t.component}</label>{' '}
        <select id="probe-filter" name="component" defaultValue={selected?.slug ?? ''}>
          <option value="">{t.allComponents}</option>
          {components.map((c) => (
            <option key={c.id} value={c.slug}>
              {name(c)}
            </option>
          ))}
        </select>{' '}
        <button type="submit" className="secondary">
          {t.filter}
        </button>
      </form>

      {probes.length === 0 && <p>{t.empty}</p>}
      {[...byComponent.entries()].map(([componentId, list]) => (
        <section key={componentId} data-component={list[0].componentSlug}>
          <h2>{name({ nameJa: list[0].componentName.ja, nameEn: list[0].componentName.en })}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{t.name}</th>
                <th scope="col">{t.kind}</th>
                <th scope="col">{t.target}</th>
                <th scope="col">{t.latest}</th>
                <th scope="col">{t.latency}</th>
                <th scope="col">{t.uptime24h}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((p) => (
                <tr key={p.id} data-probe={p.id}>
                  <th scope="row">
                    <Link href={`/admin/probes/${p.id}`}>{p.name || `${KIND_NAMES[p.kind]} ${p.target}`}</Link>
                    {!p.enabled && <span className="hint"> ({t.disabled})</span>}
                  </th>
                  <td>{KIND_NAMES[p.kind]}</td>
                  <td>
                    <code>{p.target}</code>
                  </td>
                  <td data-testid="probe-latest">
                    {p.latest ? (
                      <>
                        {p.latest.ok ? t.ok : t.failed} <LocalTime iso={p.latest.at} lang={lang} />
                        {p.latest.error && <div className="hint">{failureText(p.latest, lang)}</div>}
                        {typeof p.latest.detail?.certDaysLeft === 'number' && (
                          <div className="hint" data-testid="probe-cert-days">
                            {t.certDaysLeft}: {p.latest.detail.certDaysLeft}
                          </div>
                        )}
                      </>
                    ) : (
                      t.never
                    )}
                  </td>
                  <td>{p.latest?.latencyMs != null ? `${Math.round(p.latest.latencyMs)} ms` : '—'}</td>
                  <td>{percent(p.uptime24h)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}

      <h2 id="new-probe">{t.add}</h2>
      {components.length > 0 && (
        <ProbeForm
          initial={{ componentId: selected?.id ?? components[0].id, kind: 'http', intervalS: '60', timeoutS: '10', confirmations: '2', expectStatus: '200-399', certMinDays: '0' }}
          components={components.map((c) => ({ id: c.id, slug: c.slug, name: name(c) }))}
          labels={{ words: t, statuses: labels.componentStatuses, kinds: KIND_NAMES, lang }}
        />
      )}
    </AdminShell>
  );
}
