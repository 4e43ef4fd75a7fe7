import { renderMarkdown } from '@/lib/content/markdown';
import { SanitizedHtml } from './sanitized-html';

/** Markdown written by staff or authors, through the one sanitising pipeline. */
export function UpdateBody({ markdown, className = 'update-body' }: { markdown: string; className?: string }) {
  return <SanitizedHtml className={className} html={renderMarkdown(markdown)} />;
}
