import type { SanitizedHtml } from '../html/sanitized';
import type { ElementContent, Root as HtmlRoot, RootContent as HtmlContent } from 'hast';
import type { Root } from 'mdast';
import rehypeSanitize, { defaultSchema } from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { env } from '../env';

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

/**
 * Which images stay images. A reader's browser or mail client fetches an image the moment it shows
 * the text, so an image from another host tells that host who read what, and when (a tracking
 * pixel), and the page's Content-Security-Policy would refuse it anyway.
 * - 'site': images on SITE_URL's origin (or relative) stay; pages and feeds.
 * - 'none': every image becomes a link; notices, since a mail client fetching any image, ours
 *   included, reports that the mail was opened.
 */
export type ImagePolicy = 'site' | 'none';

const siteOrigin = new URL(env.SITE_URL).origin;

function resolved(src: string): URL | null {
  try {
    return new URL(src, `${siteOrigin}/`);
  } catch {
    return null;
  }
}

/**
 * An <img> the policy refuses becomes <a href="its URL">its alt text</a>, sanitised like any link;
 * inside a link (a linked badge) only its alt text stays, since links cannot nest.
 */
function imagesAsLinks(policy: ImagePolicy) {
  const keep = (src: string) => policy === 'site' && resolved(src)?.origin === siteOrigin;
  const replace = (nodes: HtmlContent[], inLink: boolean): HtmlContent[] =>
    nodes.map((node) => {
      if (node.type !== 'element') return node;
      if (node.tagName === 'img') {
        const src = String(node.properties.src ?? '');
        if (keep(src)) return node;
        const alt = String(node.properties.alt ?? '');
        // In a mail a relative URL leads nowhere: links there point at the site itself.
        const href = policy === 'none' ? (resolved(src)?.href ?? src) : src;
        if (inLink) return { type: 'text', value: alt };
        return { type: 'element', tagName: 'a', properties: { href }, children: [{ type: 'text', value: alt || href }] };
      }
      node.children = replace(node.children, inLink || node.tagName === 'a') as ElementContent[];
      return node;
    });
  return () => (tree: HtmlRoot) => {
    tree.children = replace(tree.children, false);
  };
}

function processor(images: ImagePolicy) {
  return unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(remarkRehype)
    .use(imagesAsLinks(images))
    .use(rehypeSanitize, sanitizeSchema)
    .use(rehypeStringify);
}

const processors: Record<ImagePolicy, ReturnType<typeof processor>> = { site: processor('site'), none: processor('none') };

/** Sanitised HTML; images only from the site itself unless `images` says none at all. */
export type { SanitizedHtml };
/** The branded type is given here only: to what rehype-sanitize produced, and to nothing. */
export const NO_HTML = '' as SanitizedHtml;

export function renderMarkdown(markdown: string, { images = 'site' }: { images?: ImagePolicy } = {}): SanitizedHtml {
  return String(processors[images].processSync(markdown)) as SanitizedHtml;
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
