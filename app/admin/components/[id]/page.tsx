import Link from 'next/link';
import { notFound } from 'next/navigation';
import { adminLang } from '@/lib/auth/admin-lang';
import { requireStaffPage } from '@/lib/auth/guard';
import { listForAdmin } from '@/lib/components/admin';
import { componentAdminText } from '@/lib/i18n/admin-components';
import { AdminShell } from '../../_components/admin-shell';
import { updateComponentAction } from '../actions';
import { ComponentFields } from '../_components/component-fields';

export default async function EditComponentPage({ params }: { params: Promise<{ id: string }> }) {
  const staff = await requireStaffPage('admin');
  const lang = await adminLang();
  const t = componentAdminText(lang);
  const { id } = await params;
  const { groups, ungrouped } = await listForAdmin();
  const component = [...groups.flatMap((g) => g.components), ...ungrouped].find((c) => c.id === id);
  if (!component) notFound();
  return (
    <AdminShell staff={staff} lang={lang} current="/admin/components">
      <h1>{t.editHeading}</h1>
      <p>
        {t.slug}: <code>{component.slug}</code> <small>({t.slugHint})</small>
      </p>
      <form action={updateComponentAction} className="stack" data-testid="edit-component">
        <input type="hidden" name="id" value={component.id} />
        <ComponentFields groups={groups.map((g) => ({ id: g.id, name: lang === 'ja' ? g.nameJa : g.nameEn }))} t={t} value={component} />
        <button type="submit">{t.save}</button>
      </form>
      <p>
        <Link href="/admin/components">← {t.back}</Link>
      </p>
    </AdminShell>
  );
}
