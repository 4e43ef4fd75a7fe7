// Markup reaches a page only from the sanitising markdown pipeline: components/sanitized-html.tsx
// is the one use of dangerouslySetInnerHTML, and it takes only lib/content/markdown's SanitizedHtml.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const THE_ONE_PLACE = path.join('components', 'sanitized-html.tsx');

function sources(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'generated') sources(relative, out);
    } else if (/\.(tsx|ts|jsx|js)$/.test(entry.name) && !/\.test\./.test(entry.name)) out.push(relative);
  }
  return out;
}

describe('HTML inserted as markup', () => {
  it('goes through components/sanitized-html.tsx only', () => {
    const users = ['app', 'components', 'lib'].flatMap((dir) => sources(dir)).filter((file) => fs.readFileSync(path.join(ROOT, file), 'utf8').includes('dangerouslySetInnerHTML'));
    expect(users).toEqual([THE_ONE_PLACE]);
  });

  it('which accepts only the pipeline’s output type', () => {
    const component = fs.readFileSync(path.join(ROOT, THE_ONE_PLACE), 'utf8');
    expect(component).toMatch(/import type \{ SanitizedHtml as Html \} from '@\/lib\/content\/markdown'/);
    expect(component).toMatch(/\{ html: Html \| null \}/);
    const markdown = fs.readFileSync(path.join(ROOT, 'lib/content/markdown.ts'), 'utf8');
    // The brand is given in one place, to what rehype-sanitize produced (and to the empty string).
    expect(markdown.match(/as SanitizedHtml/g)).toHaveLength(2);
  });
});
