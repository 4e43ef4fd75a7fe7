import { templateText } from '@/lib/i18n/admin-templates';
import type { Lang } from '@/lib/i18n/locales';
import type { TemplateDto } from '@/lib/incidents/templates';

/**
 * Chooses a template to fill the form below it: a GET form that reloads the page with
 * ?template=<id>, so it works without JavaScript and leaves nothing half-typed behind.
 */
export function TemplatePicker({ lang, templates, selected, action, anchor }: { lang: Lang; templates: TemplateDto[]; selected?: string; action: string; anchor: string }) {
  if (!templates.length) return null;
  const t = templateText(lang);
  return (
    <form method="get" action={`${action}#${anchor}`} className="row-actions template-picker">
      <label htmlFor={`${anchor}-template`}>{t.startFrom}</label>
      <select id={`${anchor}-template`} name="template" defaultValue={selected ?? ''}>
        <option value="">—</option>
        {templates.map((tpl) => (
          <option key={tpl.id} value={tpl.id}>
            {tpl.name}
          </option>
        ))}
      </select>
      <button type="submit" className="secondary">
        {t.apply}
      </button>
    </form>
  );
}
