import Link from 'next/link';
import { adminLang } from '@/lib/auth/admin-lang';
import { requireStaffPage } from '@/lib/auth/guard';
import { listForAdmin, type AdminComponentDto, type AdminGroupDto } from '@/lib/components/admin';
import { componentAdminText, type ComponentAdminText } from '@/lib/i18n/admin-components';
import type { Lang } from '@/lib/i18n/locales';
import { AdminShell } from '../_components/admin-shell';
import { statusLabels } from '../_components/labels';
import {
  createComponentAction,
  createGroupAction,
  deleteComponentAction,
  deleteGroupAction,
  moveComponentAction,
  moveGroupAction,
  renameGroupAction,
  setArchivedAction,
} from './actions';
import { ComponentFields } from './_components/component-fields';
import { Outcome } from './_components/outcome';

export default async function ComponentsPage({ searchParams }: { searchParams: Promise<{ saved?: string; error?: string }> }) {
  const staff = await requireStaffPage('editor');
  const lang = await adminLang();
  const t = componentAdminText(lang);
  const canEdit = staff.role === 'admin';
  const { groups, ungrouped } = await listForAdmin();
  const outcome = await searchParams;
  const name = (x: { nameJa: string; nameEn: string }) => (lang === 'ja' ? x.nameJa : x.nameEn);

  return (
    <AdminShell staff={staff} lang={lang} current="/admin/components">
      <h1>{t.heading}</h1>
      <p>{t.intro}</p>
      {!canEdit && <p className="hint">{t.viewOnly}</p>}
      <Outcome outcome={outcome} t={t} />

      {groups.map((group, index) => (
        <section key={group.id} data-group={group.slug} aria-labelledby={`group-${group.slug}`}>
          <h2 id={`group-${group.slug}`}>
            {name(group)} <code>{group.slug}</code>
          </h2>
          {canEdit && <GroupControls group={group} label={name(group)} first={index === 0} last={index === groups.length - 1} t={t} />}
          <ComponentTable components={group.components} canEdit={canEdit} lang={lang} t={t} />
        </section>
      ))}
      {ungrouped.length > 0 && (
        <section data-group="" aria-labelledby="group-none">
          <h2 id="group-none">{t.ungrouped}</h2>
          <ComponentTable components={ungrouped} canEdit={canEdit} lang={lang} t={t} />
        </section>
      )}

      {canEdit && (
        <>
          <h2>{t.addComponent}</h2>
          <form action={createComponentAction} className="stack" data-testid="add-component">
            <label>
              {t.slug} <small>({t.slugHint})</small>
              <input name="slug" required pattern="[a-z0-9]([a-z0-9\-]{0,62}[a-z0-9])?" maxLength={64} />
            </label>
            <ComponentFields groups={groups.map((g) => ({ id: g.id, name: name(g) }))} t={t} />
            <button type="submit">{t.create}</button>
          </form>

          <h2>{t.addGroup}</h2>
          <form action={createGroupAction} className="stack" data-testid="add-group">
            <label>
              {t.slug} <small>({t.slugHint})</small>
              <input name="slug" required pattern="[a-z0-9]([a-z0-9\-]{0,62}[a-z0-9])?" maxLength={64} />
            </label>
            <label>
              {t.nameJa}
              <input name="nameJa" required maxLength={100} />
            </label>
            <label>
              {t.nameEn}
              <input name="nameEn" required maxLength={100} />
            </label>
            <button type="submit">{t.create}</button>
          </form>
        </>
      )}
    </AdminShell>
  );
}

function MoveButtons({ id, label, first, last, action, t }: { id: string; label: string; first: boolean; last: boolean; action: (f: FormData) => Promise<void>; t: ComponentAdminText }) {
  return (
    <>
      <form action={action} className="inline-form">
        <input type="hidden" name="id" value={id} />
        <input type="hidden" name="direction" value="up" />
        <button type="submit" className="secondary" disabled={first} aria-label={`${label}${t.moveUp}`}>
          ↑ {t.up}
        </button>
      </form>{' '}
      <form action={action} className="inline-form">
        <input type="hidden" name="id" value={id} />
        <input type="hidden" name="direction" value="down" />
        <button type="submit" className="secondary" disabled={last} aria-label={`${label}${t.moveDown}`}>
          ↓ {t.down}
        </button>
      </form>
    </>
  );
}

function GroupControls({ group, label, first, last, t }: { group: AdminGroupDto; label: string; first: boolean; last: boolean; t: ComponentAdminText }) {
  return (
    <div className="group-controls">
      <MoveButtons id={group.id} label={label} first={first} last={last} action={moveGroupAction} t={t} />{' '}
      <form action={renameGroupAction} className="inline-form" data-testid={`rename-group-${group.slug}`}>
        <input type="hidden" name="id" value={group.id} />
        <label>
          {t.nameJa} <input name="nameJa" defaultValue={group.nameJa} required maxLength={100} />
        </label>{' '}
        <label>
          {t.nameEn} <input name="nameEn" defaultValue={group.nameEn} required maxLength={100} />
        </label>{' '}
        <button type="submit" className="secondary">
          {t.rename}
        </button>
      </form>
      {group.components.length === 0 && (
        <form action={deleteGroupAction} className="inline-form">
          <input type="hidden" name="id" value={group.id} />{' '}
          <button type="submit" className="danger">
            {t.deleteGroup}
          </button>
        </form>
      )}
    </div>
  );
}

function ComponentTable({ components, canEdit, lang, t }: { components: AdminComponentDto[]; canEdit: boolean; lang: Lang; t: ComponentAdminText }) {
  const statuses = statusLabels(lang).componentStatuses;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t.nameJa}</th>
          <th scope="col">{t.nameEn}</th>
          <th scope="col">{t.slug}</th>
          <th scope="col">{t.status}</th>
          <th scope="col">{t.flags}</th>
          <th scope="col">{t.actions}</th>
        </tr>
      </thead>
      <tbody>
        {components.map((c, index) => (
          <tr key={c.id} data-component={c.slug} data-archived={c.archivedAt ? 'true' : undefined}>
            <th scope="row">{c.nameJa}</th>
            <td>{c.nameEn}</td>
            <td>
              <code>{c.slug}</code>
            </td>
            <td>{statuses[c.status as keyof typeof statuses] ?? c.status}</td>
            <td>{c.archivedAt ? t.archived : c.onlyShowIfDegraded ? t.hiddenUntilDegraded : t.shown}</td>
            <td>
              {canEdit && (
                <>
                  <MoveButtons id={c.id} label={lang === 'ja' ? c.nameJa : c.nameEn} first={index === 0} last={index === components.length - 1} action={moveComponentAction} t={t} />{' '}
                  <Link href={`/admin/components/${c.id}`}>{t.edit}</Link>{' '}
                  <form action={setArchivedAction} className="inline-form">
                    <input type="hidden" name="id" value={c.id} />
                    <input type="hidden" name="archived" value={c.archivedAt ? 'false' : 'true'} />
                    <button type="submit" className="secondary">
                      {c.archivedAt ? t.unarchive : t.archive}
                    </button>
                  </form>{' '}
                  {c.hasHistory ? (
                    <small>{t.historyKept}</small>
                  ) : (
                    <form action={deleteComponentAction} className="inline-form">
                      <input type="hidden" name="id" value={c.id} />
                      <button type="submit" className="danger">
                        {t.delete}
                      </button>
                    </form>
                  )}{' '}
                </>
              )}
              <Link href={`/admin/probes?component=${encodeURIComponent(c.slug)}`}>{t.probes}</Link>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
