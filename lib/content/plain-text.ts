import type { AlignType, Nodes, PhrasingContent, Root, RootContent, Table } from 'mdast';
import stringWidth from 'string-width';
import { parseMarkdown, sanitizeSchema } from './markdown';

// The plain-text rendering of the one markdown pipeline, for the text part of notices and for
// text fields of feeds and JSON: lists keep their bullets and numbers, tables become aligned
// columns (CJK characters count two columns), links read "text (URL)". Raw HTML is dropped, as
// the HTML rendering drops it, and links keep only the URL schemes the sanitiser keeps.
//
// The result is also inert if a consumer wrongly inserts it as HTML: a "<" that would open a
// tag (from an entity such as &lt;script&gt; or a code span) is followed by a space.

type Definitions = Map<string, string>;

interface Context {
  definitions: Definitions;
  footnotes: string[];
}

/** Markdown as plain text for a mail reader: no trailing spaces, at most one blank line in a row. */
export function markdownToText(markdown: string): string {
  const tree = parseMarkdown(markdown);
  const context: Context = { definitions: collectDefinitions(tree), footnotes: [] };
  const body = blocks(tree.children, context);
  const text = context.footnotes.length ? `${body}\n\n${context.footnotes.join('\n')}` : body;
  return tidy(defuseTags(text));
}

/** One line of plain text, for a summary or a description attribute. */
export function markdownToLine(markdown: string): string {
  return markdownToText(markdown).replace(/\s*\n\s*/g, ' ');
}

function collectDefinitions(tree: Root): Definitions {
  const definitions: Definitions = new Map();
  const visit = (node: Nodes) => {
    if (node.type === 'definition' && !definitions.has(node.identifier)) definitions.set(node.identifier, node.url);
    if ('children' in node) for (const child of node.children) visit(child);
  };
  visit(tree);
  return definitions;
}

function blocks(nodes: RootContent[], context: Context, separator = '\n\n'): string {
  return nodes
    .map((node) => block(node, context))
    .filter((text) => text !== '')
    .join(separator);
}

function block(node: RootContent, context: Context): string {
  switch (node.type) {
    case 'paragraph':
      return inline(node.children, context).trim();
    case 'heading': {
      const text = inline(node.children, context).trim();
      if (!text) return '';
      return `${text}\n${(node.depth === 1 ? '=' : '-').repeat(Math.max(3, width(text.split('\n').at(-1)!)))}`;
    }
    case 'thematicBreak':
      return '-'.repeat(24);
    case 'blockquote':
      return prefixLines(blocks(node.children, context), '> ', '>');
    case 'list': {
      const start = node.start ?? 1;
      const tight = !node.spread && node.children.every((item) => !item.spread);
      const items = node.children.map((item, i) => {
        const marker = node.ordered ? `${start + i}.` : '-';
        const check = item.checked === true ? '[x] ' : item.checked === false ? '[ ] ' : '';
        const body = blocks(item.children, context, tight ? '\n' : '\n\n');
        return hangingIndent(`${marker} ${check}`, body);
      });
      return items.join(tight ? '\n' : '\n\n');
    }
    case 'code':
      return prefixLines(node.value, '    ', '');
    case 'table':
      return table(node, context);
    case 'footnoteDefinition':
      context.footnotes.push(hangingIndent(`[${node.label ?? node.identifier}] `, blocks(node.children, context, '\n')));
      return '';
    case 'html':
    case 'definition':
    case 'yaml':
      return '';
    default:
      return 'children' in node ? inline(node.children as PhrasingContent[], context) : 'value' in node ? String(node.value) : '';
  }
}

function inline(nodes: PhrasingContent[], context: Context): string {
  return nodes.map((node) => phrasing(node, context)).join('');
}

function phrasing(node: PhrasingContent, context: Context): string {
  switch (node.type) {
    case 'text':
    case 'inlineCode':
      return node.value;
    case 'break':
      return '\n';
    case 'emphasis':
    case 'strong':
    case 'delete':
      return inline(node.children, context);
    case 'link':
      return linkText(inline(node.children, context), node.url);
    case 'linkReference':
      return linkText(inline(node.children, context), context.definitions.get(node.identifier));
    case 'image':
      return imageText(node.alt ?? '', node.url);
    case 'imageReference':
      return imageText(node.alt ?? '', context.definitions.get(node.identifier));
    case 'footnoteReference':
      return `[${node.label ?? node.identifier}]`;
    case 'html':
      return '';
    default:
      return '';
  }
}

const HREF_PROTOCOLS = sanitizeSchema.protocols?.href ?? [];
const SRC_PROTOCOLS = sanitizeSchema.protocols?.src ?? [];

/** The sanitiser's rule (hast-util-sanitize): a relative URL, or one of the schemes it allows. */
function allowedUrl(url: string, protocols: readonly string[]): boolean {
  const colon = url.indexOf(':');
  const firstOf = (c: string) => {
    const i = url.indexOf(c);
    return i === -1 ? Infinity : i;
  };
  if (colon === -1 || colon > Math.min(firstOf('/'), firstOf('?'), firstOf('#'))) return true;
  const scheme = url.slice(0, colon).toLowerCase();
  return protocols.some((p) => p === scheme);
}

/** A URL a mail reader can link: spaces, controls and angle brackets percent-encoded. */
function printableUrl(url: string): string {
  // eslint-disable-next-line no-control-regex
  return url.replace(/[\s\u0000-\u001f\u007f<>"]/g, (c) => encodeURIComponent(c));
}

function linkText(text: string, url: string | undefined): string {
  if (!url || !allowedUrl(url, HREF_PROTOCOLS)) return text;
  const shown = printableUrl(url);
  const label = text.trim();
  if (!label || label === url || `mailto:${label}` === url) return shown;
  return `${text} (${shown})`;
}

function imageText(alt: string, url: string | undefined): string {
  if (!url || !allowedUrl(url, SRC_PROTOCOLS)) return alt;
  return alt ? `${alt} (${printableUrl(url)})` : printableUrl(url);
}

function width(text: string): number {
  return stringWidth(text);
}

function pad(text: string, columns: number, align: AlignType | undefined): string {
  const gap = Math.max(0, columns - width(text));
  if (align === 'right') return ' '.repeat(gap) + text;
  if (align === 'center') return ' '.repeat(Math.floor(gap / 2)) + text + ' '.repeat(gap - Math.floor(gap / 2));
  return text + ' '.repeat(gap);
}

/** Columns aligned by display width, the header underlined; cells on one line each. */
function table(node: Table, context: Context): string {
  const rows = node.children.map((row) => row.children.map((cell) => inline(cell.children, context).replace(/\s*\n\s*/g, ' ').trim()));
  const count = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: count }, (_, c) => Math.max(1, ...rows.map((r) => width(r[c] ?? ''))));
  const line = (cells: string[]) => widths.map((w, c) => pad(cells[c] ?? '', w, node.align?.[c])).join('  ');
  const [header, ...body] = rows;
  return [line(header ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function prefixLines(text: string, prefix: string, emptyPrefix: string): string {
  return text
    .split('\n')
    .map((line) => (line ? prefix + line : emptyPrefix))
    .join('\n');
}

/** "- first line" with the following lines indented under the text. */
function hangingIndent(marker: string, body: string): string {
  const indent = ' '.repeat(width(marker));
  return body
    .split('\n')
    .map((line, i) => (i === 0 ? marker + line : line ? indent + line : ''))
    .join('\n');
}

/** "<" that would open a tag, comment or declaration in an HTML parser gets a space after it. */
function defuseTags(text: string): string {
  return text.replace(/<(?=[A-Za-z!/?])/g, '< ');
}

function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+|\n+$/g, '');
}
