import type { ComponentGroupDto } from '@/lib/status/dto';
import type { Lang } from '@/lib/i18n/locales';
import { subscribeMessages } from '@/lib/i18n/subscribe-messages';

export interface PickerValue {
  all: boolean;
  components: string[];
  groups: string[];
}

/** "All" or chosen components and groups, as plain radio buttons and checkboxes (no script needed). */
export function ComponentPicker({ groups, lang, value, idPrefix, error }: { groups: ComponentGroupDto[]; lang: Lang; value: PickerValue; idPrefix: string; error?: string }) {
  const t = subscribeMessages(lang);
  const errorId = `${idPrefix}-components-error`;
  return (
    <fieldset className="picker" aria-describedby={error ? errorId : undefined}>
      <legend>{t.scopeLegend}</legend>
      <label>
        <input type="radio" name="scope" value="all" defaultChecked={value.all} /> {t.scopeAll}
      </label>
      <label>
        <input type="radio" name="scope" value="chosen" defaultChecked={!value.all} /> {t.scopeChosen}
      </label>
      {groups.map((g) => (
        <fieldset key={g.slug} className="picker-group">
          <legend>{lang === 'ja' ? g.nameJa : g.nameEn}</legend>
          <label>
            <input type="checkbox" name="group" value={g.slug} defaultChecked={value.groups.includes(g.slug)} /> {t.groupAll(lang === 'ja' ? g.nameJa : g.nameEn)}
          </label>
          {g.components.map((c) => (
            <label key={c.slug}>
              <input type="checkbox" name="component" value={c.slug} defaultChecked={value.components.includes(c.slug)} /> {lang === 'ja' ? c.nameJa : c.nameEn}
            </label>
          ))}
        </fieldset>
      ))}
      {error && (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
