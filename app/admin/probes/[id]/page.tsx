import { notFound } from 'next/navigation';
import { adminLang } from '@/lib/auth/admin-lang';
import { requireStaffPage } from '@/lib/auth/guard';
import { probeText } from '@/lib/i18n/admin-probes';
import { componentChoices } from '@/lib/probes/admin';
import { getProbe } from '@/lib/probes/store';
import { AdminShell } from '../../_components/admin-shell';
import { statusLabels } from '../../_components/labels';
import { deleteProbeAction, toggleProbeAction } from '../actions';
import { KIND_NAMES } from '../_components/kind-names';
import { ProbeForm } from '../_components/probe-form';

export default async function ProbePage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ saved?: string }> }) {
  const staff = await requireStaffPage('editor');
  const lang = await adminLang();
  const t = probeText(lang);
  const probe = await getProbe((await params).id);
  if (!probe) notFound();
  const saved = (await searchParams).saved;
  const components = await componentChoices();
  const name = (c: { nameJa: string; nameEn: string }) => (lang === 'ja' ? c.nameJa : c.nameEn);
  const s = probe.settings as Record<string, unknown>;
  // The form's values as text; the password is never among them.
  const initial: Record<string, string> = {
    componentId: probe.componentId,
    name: probe.name,
    kind: probe.kind,
    target: probe.target,
    intervalS: String(probe.intervalS),
    timeoutS: String(probe.timeoutS),
    locations: probe.locations.join(','),
    failureStatus: probe.failureStatus,
    degradedAboveMs: probe.degradedAboveMs === null ? '' : String(probe.degradedAboveMs),
    enabled: probe.enabled ? 'on' : '',
  };
  for (const [key, value] of Object.entries(s)) {
    if (key === 'hasPassword') continue;
    initial[key] = typeof value === 'boolean' ? (value ? 'on' : '') : String(value);
  }
  return (
    <AdminShell staff={staff} lang={lang} current="/admin/probes">
      <h1>
        {t.probes}: {probe.name || `${KIND_NAMES[probe.kind]} ${probe.target}`}
      </h1>
      {saved && <p role="status">{t.saved}</p>}
      <p>
        <a href={`/admin/probes?component=${encodeURIComponent(probe.componentSlug)}`}>{t.cancel}</a>
      </p>
      <ProbeForm
        id={probe.id}
        initial={initial}
        hasPassword={Boolean(s.hasPassword)}
        components={components.map((c) => ({ id: c.id, slug: c.slug, name: name(c) }))}
        labels={{ words: t, statuses: statusLabels(lang).componentStatuses, kinds: KIND_NAMES, lang }}
      />
      <div className="button-row">
        <form action={toggleProbeAction} className="inline-form">
          <input type="hidden" name="id" value={probe.id} />
          <input type="hidden" name="enabled" value={probe.enabled ? 'false' : 'true'} />
          <button type="submit" className="secondary">
            {probe.enabled ? t.disable : t.enable}
          </button>
        </form>{' '}
        <form action={deleteProbeAction} className="inline-form">
          <input type="hidden" name="id" value={probe.id} />
          <button type="submit" className="danger">
            {t.delete}
          </button>
        </form>
      </div>
    </AdminShell>
  );
}
