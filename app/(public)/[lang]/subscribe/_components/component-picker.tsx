'use client';

import { useEffect, useState } from 'react';
import type { Lang } from '@/lib/i18n/locales';
import { subscribeMessages } from '@/lib/i18n/subscribe-messages';
import type { ComponentGroupDto } from '@/lib/status/dto';
import { chosenCounts, type PickerValue } from './choice-summary';

export type { PickerValue } from './choice-summary';

/**
 * The one component picker of the subscribe (email, webhook, chat) and manage forms: "all
 * components, present and future" by default; "choose" opens the tree (CSS :has hides it
 * otherwise, so it works without JavaScript), one collapsible group each, where the group's own
 * box means the whole group including components added to it later. Controlled when `value` and
 * `onChange` are given (the subscribe page keeps one choice across its channels), else it keeps
 * its own state from `initial`.
 */
export function ComponentPicker({
  groups,
  lang,
  initial,
  value: controlled,
  onChange,
  idPrefix,
  error,
}: {
  groups: ComponentGroupDto[];
  lang: Lang;
  initial?: PickerValue;
  value?: PickerValue;
  onChange?: (value: PickerValue) => void;
  idPrefix: string;
  error?: string;
}) {
  const t = subscribeMessages(lang);
  const [own, setOwn] = useState<PickerValue>(initial ?? { all: true, components: [], groups: [] });
  const value = controlled ?? own;
  const set = (next: PickerValue) => (onChange ? onChange(next) : setOwn(next));
  // Until the page runs script, every box is its own (a group's box does not tick its members).
  const [live, setLive] = useState(false);
  useEffect(() => setLive(true), []);
  // Groups with something chosen start open; afterwards each group stays as the reader leaves it.
  const [openAtFirst] = useState(() => new Set(groups.filter((g) => value.groups.includes(g.slug) || g.components.some((c) => value.components.includes(c.slug))).map((g) => g.slug)));

  const toggle = (list: string[], slug: string, on: boolean) => (on ? [...new Set([...list, slug])] : list.filter((s) => s !== slug));
  const name = (x: { nameJa: string; nameEn: string }) => (lang === 'ja' ? x.nameJa : x.nameEn);
  const counts = chosenCounts(groups, value);
  const errorId = `${idPrefix}-components-error`;
  const hintId = `${idPrefix}-picker-hint`;

  return (
    <fieldset className="picker" aria-describedby={error ? `${hintId} ${errorId}` : hintId}>
      <legend>{t.scopeLegend}</legend>
      <div className="picker-scope">
        <label className="choice">
          <input type="radio" name="scope" value="all" checked={value.all} onChange={() => set({ ...value, all: true })} />
          <span>{t.scopeAll}</span>
        </label>
        <label className="choice">
          <input type="radio" name="scope" value="chosen" checked={!value.all} onChange={() => set({ ...value, all: false })} />
          <span>{t.scopeChosen}</span>
        </label>
      </div>
      <p id={hintId} className="hint">
        {t.pickerHint}
      </p>
      <div className="picker-tree" hidden={live && value.all ? true : undefined}>
        <p className="picker-count" aria-live="polite" data-testid={`${idPrefix}-picker-count`}>
          {t.chosenCount(counts.components, counts.groups)}
        </p>
        {groups.map((g) => {
          const whole = value.groups.includes(g.slug);
          const chosen = whole ? g.components.length : g.components.filter((c) => value.components.includes(c.slug)).length;
          return (
            <details key={g.slug} className="picker-group" open={openAtFirst.has(g.slug) || undefined}>
              <summary>
                <span className="picker-group-name">{name(g)}</span>
                <span className="picker-group-count">{whole ? t.groupWhole : t.groupChosenCount(chosen, g.components.length)}</span>
              </summary>
              <div className="picker-group-body">
                <label className="choice picker-group-all">
                  <input type="checkbox" name="group" value={g.slug} checked={whole} onChange={(e) => set({ ...value, groups: toggle(value.groups, g.slug, e.target.checked) })} />
                  <span>{t.groupAll(name(g))}</span>
                </label>
                <ul>
                  {g.components.map((c) => (
                    <li key={c.slug}>
                      <label className="choice">
                        <input
                          type="checkbox"
                          name="component"
                          value={c.slug}
                          checked={(live && whole) || value.components.includes(c.slug)}
                          disabled={live && whole}
                          onChange={(e) => set({ ...value, components: toggle(value.components, c.slug, e.target.checked) })}
                        />
                        <span>{name(c)}</span>
                      </label>
                    </li>
                  ))}
                </ul>
              </div>
            </details>
          );
        })}
      </div>
      {error && (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
