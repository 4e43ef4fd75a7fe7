import { describe, expect, it } from 'vitest';
import { markdownHeadings, renderMarkdown } from './markdown';

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

  it('lists headings in order', () => {
    expect(markdownHeadings('# A\n\ntext\n\n## 1. 発生日時\n\n## 2. **事象**')).toEqual([
      { depth: 1, text: 'A' },
      { depth: 2, text: '1. 発生日時' },
      { depth: 2, text: '2. 事象' },
    ]);
  });
});
