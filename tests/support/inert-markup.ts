// Checks, with a real HTML parser (parse5, the WHATWG algorithm browsers use), that markup cannot
// run anything: no elements that load or run code, no event-handler attributes, no script URLs.
import { parse, parseFragment } from 'parse5';

interface Attr {
  name: string;
  value: string;
  prefix?: string;
}
interface Node {
  nodeName: string;
  tagName?: string;
  attrs?: Attr[];
  childNodes?: Node[];
  content?: Node;
  value?: string;
  parentNode?: Node | null;
}

/** Elements that run code, load other documents or rewrite the page: never in user content. */
const FORBIDDEN = new Set(['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'form', 'meta', 'base', 'link', 'style', 'svg', 'math', 'template']);
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background', 'srcset', 'ping', 'cite']);
const SCRIPT_URL = /^(javascript|vbscript|data):/i;
const SCRIPT_STYLE = /expression\s*\(|javascript:|vbscript:|-moz-binding|behavior\s*:/i;

function attrName(a: Attr): string {
  return (a.prefix ? `${a.prefix}:${a.name}` : a.name).toLowerCase();
}

/** What a browser compares a URL's scheme with: control characters and spaces do not count. */
function normalisedUrl(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
}

function textOf(node: Node): string {
  if (node.nodeName === '#text') return node.value ?? '';
  return (node.childNodes ?? []).map(textOf).join('');
}

function* walk(node: Node): Generator<Node> {
  yield node;
  for (const child of node.childNodes ?? []) yield* walk(child);
  if (node.content) yield* walk(node.content);
}

export interface CheckOptions {
  /**
   * For whole pages: the site's own elements outside user content (Next.js scripts, head
   * <meta> and <link>, forms of the subscribe pages) may stay; this says which ones.
   */
  allow?: (element: Node) => boolean;
}

function problemsIn(root: Node, options: CheckOptions): string[] {
  const problems: string[] = [];
  for (const node of walk(root)) {
    if (!node.tagName) continue;
    const tag = node.tagName.toLowerCase();
    const allowed = options.allow?.(node) ?? false;
    if (FORBIDDEN.has(tag) && !allowed) problems.push(`<${tag}> element`);
    if (tag === 'style' && SCRIPT_STYLE.test(textOf(node))) problems.push(`<style> with script: ${textOf(node).slice(0, 80)}`);
    if (tag === 'meta' && node.attrs?.some((a) => a.name === 'http-equiv' && /refresh/i.test(a.value))) problems.push('<meta http-equiv=refresh>');
    for (const a of node.attrs ?? []) {
      const name = attrName(a);
      if (name.startsWith('on')) problems.push(`${name}= on <${tag}>`);
      if (name === 'srcdoc') problems.push(`srcdoc= on <${tag}>`);
      if (URL_ATTRIBUTES.has(name) && SCRIPT_URL.test(normalisedUrl(a.value))) problems.push(`${name}="${a.value.slice(0, 60)}" on <${tag}>`);
      if (name === 'style' && SCRIPT_STYLE.test(a.value)) problems.push(`style="${a.value.slice(0, 60)}" on <${tag}>`);
    }
  }
  return problems;
}

/** Problems in an HTML fragment (a feed's HTML field, a notice's HTML part, a JSON string read as HTML). */
export function fragmentProblems(html: string): string[] {
  return problemsIn(parseFragment(html) as unknown as Node, {});
}

/** Problems in a whole document; `allow` names the site's own elements. */
export function documentProblems(html: string, options: CheckOptions = {}): string[] {
  return problemsIn(parse(html) as unknown as Node, options);
}

/** The parsed document, for reading what a reader or browser would show. */
export function parseDocument(html: string): Node {
  return parse(html) as unknown as Node;
}

export function elements(root: Node, tag: string): Node[] {
  return [...walk(root)].filter((n) => n.tagName === tag);
}

export function attribute(node: Node, name: string): string | undefined {
  return node.attrs?.find((a) => attrName(a) === name)?.value;
}

export function isInside(node: Node, tag: string): boolean {
  for (let p = node.parentNode; p; p = p.parentNode) if (p.tagName === tag) return true;
  return false;
}

export { textOf };
export type { Node as MarkupNode };
