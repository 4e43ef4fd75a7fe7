import { renderMarkdown } from '@/lib/content/markdown';

/** Markdown written by staff or authors, through the one sanitising pipeline. */
export function UpdateBody({ markdown, className = 'update-body' }: { markdown: string; className?: string }) {
  return <div className={className} dangerouslySetInnerHTML={{ __html: renderMarkdown(markdown) }} />;
}
