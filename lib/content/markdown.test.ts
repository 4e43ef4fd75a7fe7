import { describe, expect, it } from 'vitest';
import { env } from '../env';
import { markdownHeadings, renderMarkdown } from './markdown';

const site = new URL(env.SITE_URL).origin;

describe('markdown pipeline', () => {
  it('renders GFM tables, lists and emphasis', () => {
    const html = renderMarkdown('| 日付 | 最大遅延 |\n| --- | --- |\n| 12月3日 | 1時間30分 |\n\n- **遮断** しました');
    expect(html).toContain('<table>');
    expect(html).toContain('<td>1時間30分</td>');
    expect(html).toContain('<strong>遮断</strong>');
  });

  it('never lets a <script> through', () => {
    const html = renderMarkdown('before\n\n<script>alert(1)</script>\n\nafter <script>alert(2)</script>');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('before');
    expect(html).toContain('after');
  });

  it('drops event-handler attributes from raw HTML', () => {
    const html = renderMarkdown('<img src="x.png" onerror="alert(1)">\n\n<a href="/" onclick="steal()">x</a>');
    expect(html).not.toMatch(/onerror|onclick/i);
  });

  it('removes javascript: links, in every spelling', () => {
    for (const href of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'jav&#x09;ascript:alert(1)']) {
      const html = renderMarkdown(`[click](${href}) and <a href="${href}">raw</a>`);
      expect(html, href).not.toMatch(/javascript:/i);
      expect(html).toContain('click');
    }
  });

  it('keeps ordinary links', () => {
    expect(renderMarkdown('[status](https://example.com/status)')).toContain('href="https://example.com/status"');
  });

  it('prefixes ids so content cannot clobber page globals', () => {
    const html = renderMarkdown('[^1]\n\n[^1]: note');
    expect(html).toContain('id="user-');
  });

  it('turns images from other hosts into links that read as their alt text', () => {
    const html = renderMarkdown('![pixel](https://evil.example/pixel.gif) ![](http://evil.example/a.png) ![p](//evil.example/b.gif) ![ref][r]\n\n[r]: https://evil.example/c.png');
    expect(html).not.toMatch(/<img/);
    expect(html).toContain('<a href="https://evil.example/pixel.gif">pixel</a>');
    expect(html).toContain('<a href="http://evil.example/a.png">http://evil.example/a.png</a>');
    expect(html).toContain('<a href="//evil.example/b.gif">p</a>');
    expect(html).toContain('<a href="https://evil.example/c.png">ref</a>');
  });

  it('keeps a linked remote image as its link, with the alt text inside', () => {
    const html = renderMarkdown('[![build status](https://ci.example/badge.svg)](https://ci.example/job)');
    expect(html).toBe('<p><a href="https://ci.example/job">build status</a></p>');
  });

  it('keeps images from the site itself, relative or absolute', () => {
    const html = renderMarkdown(`![logo](/favicon.svg) ![chart](${site}/badge.svg)`);
    expect(html).toContain('<img src="/favicon.svg" alt="logo">');
    expect(html).toContain(`<img src="${site}/badge.svg" alt="chart">`);
  });

  it('drops a data: or javascript: image, keeping its alt text', () => {
    const html = renderMarkdown('![x](data:image/gif;base64,R0lGODlhAQABAAAAACw=) ![y](javascript:alert(1))');
    expect(html).not.toMatch(/<img|data:|javascript:/);
    expect(html).toContain('x');
    expect(html).toContain('y');
  });

  it('leaves no image at all for mail, the site’s own included, and links them absolutely', () => {
    const html = renderMarkdown('![logo](/favicon.svg) ![pixel](https://evil.example/pixel.gif)', { images: 'none' });
    expect(html).not.toMatch(/<img/);
    expect(html).toContain(`<a href="${site}/favicon.svg">logo</a>`);
    expect(html).toContain('<a href="https://evil.example/pixel.gif">pixel</a>');
  });

  it('lists headings in order', () => {
    expect(markdownHeadings('# A\n\ntext\n\n## 1. 発生日時\n\n## 2. **事象**')).toEqual([
      { depth: 1, text: 'A' },
      { depth: 2, text: '1. 発生日時' },
      { depth: 2, text: '2. 事象' },
    ]);
  });
});
