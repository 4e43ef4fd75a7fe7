import type { Root } from 'mdast';
import rehypeSanitize, { defaultSchema } from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';

// One pipeline for every piece of markdown the site shows, authored reports and text typed into
// the console alike. Raw HTML is dropped by remark-rehype (allowDangerousHtml is off) and
// rehype-sanitize removes what GitHub would not allow (scripts, event handlers, javascript: URLs).
// Two renderings leave it: HTML here, and plain text for mail readers and JSON in plain-text.ts,
// both from the same parse.
export const sanitizeSchema = {
  ...defaultSchema,
  // Keep heading ids predictable for in-page links; rehype-sanitize prefixes them with "user-".
  clobberPrefix: 'user-',
};

const parser = unified().use(remarkParse).use(remarkGfm);

/** The markdown syntax tree (CommonMark with GitHub's tables, task lists, strikethrough, footnotes). */
export function parseMarkdown(markdown: string): Root {
  return parser.parse(markdown);
}

const processor = unified()
  .use(remarkParse)
  .use(remarkGfm)
  .use(remarkRehype)
  .use(rehypeSanitize, sanitizeSchema)
  .use(rehypeStringify);

/** Sanitised HTML. */
export function renderMarkdown(markdown: string): string {
  return String(processor.processSync(markdown));
}

export interface Heading {
  depth: number;
  text: string;
}

/** The headings of a markdown document, in order (used to check a report's sections). */
export function markdownHeadings(markdown: string): Heading[] {
  const tree = parseMarkdown(markdown);
  const headings: Heading[] = [];
  for (const node of tree.children) {
    if (node.type === 'heading') headings.push({ depth: node.depth, text: plainText(node) });
  }
  return headings;
}

function plainText(node: unknown): string {
  const n = node as { value?: string; children?: unknown[] };
  if (typeof n.value === 'string') return n.value;
  return (n.children ?? []).map(plainText).join('');
}
