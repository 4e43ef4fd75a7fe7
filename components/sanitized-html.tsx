import type { HTMLAttributes } from 'react';
import type { SanitizedHtml as Html } from '@/lib/content/markdown';

/**
 * The one place markup is inserted as HTML: only what lib/content/markdown's sanitising pipeline
 * produced (the SanitizedHtml type), so no other string can reach the page as markup.
 * scripts/sanitized-html.test.ts fails on any other use of dangerouslySetInnerHTML.
 */
export function SanitizedHtml({ html, ...props }: { html: Html | null } & Omit<HTMLAttributes<HTMLDivElement>, 'children' | 'dangerouslySetInnerHTML'>) {
  return <div {...props} dangerouslySetInnerHTML={{ __html: html ?? '' }} />;
}
