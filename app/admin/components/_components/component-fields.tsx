import type { ComponentAdminText } from '@/lib/i18n/admin-components';

/** The editable fields of a component (everything but its slug), shared by the add and edit forms. */
export function ComponentFields({
  groups,
  t,
  value,
}: {
  groups: { id: string; name: string }[];
  t: ComponentAdminText;
  value?: { nameJa: string; nameEn: string; descriptionJa: string; descriptionEn: string; groupId: string | null; onlyShowIfDegraded: boolean };
}) {
  return (
    <>
      <label>
        {t.nameJa}
        <input name="nameJa" required maxLength={100} defaultValue={value?.nameJa} />
      </label>
      <label>
        {t.nameEn}
        <input name="nameEn" required maxLength={100} defaultValue={value?.nameEn} />
      </label>
      <label>
        {t.descriptionJa}
        <input name="descriptionJa" maxLength={500} defaultValue={value?.descriptionJa} />
      </label>
      <label>
        {t.descriptionEn}
        <input name="descriptionEn" maxLength={500} defaultValue={value?.descriptionEn} />
      </label>
      <label>
        {t.group}
        <select name="groupId" required defaultValue={value?.groupId ?? groups[0]?.id}>
          {groups.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        <input type="checkbox" name="onlyShowIfDegraded" defaultChecked={value?.onlyShowIfDegraded} /> {t.onlyShowIfDegraded}
      </label>
    </>
  );
}
