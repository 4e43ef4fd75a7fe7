import type { Page } from 'playwright-core';

/** The element keyboard focus is on, as a keyboard-only walk needs to see it. */
export interface Focused {
  tag: string;
  type: string;
  id: string;
  role: string;
  name: string;
  /** The label of a form control, or the text of a link, button or summary. */
  text: string;
  value: string;
  checked: boolean;
  /** How focus shows: an outline (style and width) or a box shadow; empty when it does not show. */
  indicator: string;
}

export function focusedElement(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLInputElement | null;
    if (!el || el === document.body) return { tag: 'body', type: '', id: '', role: '', name: '', text: '', value: '', checked: false, indicator: 'none needed' };
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 ? `outline ${style.outlineStyle} ${style.outlineWidth}` : '';
    const shadow = style.boxShadow && style.boxShadow !== 'none' ? `box-shadow ${style.boxShadow}` : '';
    const label = el.labels?.[0]?.innerText ?? el.getAttribute('aria-label') ?? el.innerText ?? '';
    return {
      tag: el.tagName.toLowerCase(),
      type: el.getAttribute('type') ?? '',
      id: el.id,
      role: el.getAttribute('role') ?? '',
      name: el.getAttribute('name') ?? '',
      text: label.replace(/\s+/g, ' ').trim(),
      value: 'value' in el ? String(el.value) : '',
      checked: Boolean(el.checked),
      indicator: outline || shadow,
    };
  });
}
