import { describe, expect, it } from 'vitest';
import { fragmentProblems } from '../../tests/support/inert-markup';
import { XSS_PAYLOADS } from '../../tests/support/xss-corpus';
import { renderMarkdown } from './markdown';
import { markdownToLine, markdownToText } from './plain-text';

describe('plain-text rendering', () => {
  it('keeps paragraphs and line breaks, drops emphasis markers', () => {
    expect(markdownToText('**遮断**しました。\n次の行\n\n二段落目は *強調* と `code`')).toBe('遮断しました。\n次の行\n\n二段落目は 強調 と code');
  });

  it('writes lists with bullets, numbers from their start, nested items indented and task boxes', () => {
    const md = '- 受信サーバー\n- 送信サーバー\n  - 2台目\n\n3. 確認\n4. 対処\n   続き\n\n- [x] done\n- [ ] todo';
    expect(markdownToText(md)).toBe('- 受信サーバー\n- 送信サーバー\n  - 2台目\n\n3. 確認\n4. 対処\n   続き\n\n- [x] done\n- [ ] todo');
  });

  it('aligns table columns by display width, two columns per CJK character', () => {
    const md = '| 日付 | 最大遅延 | 件数 |\n| --- | --- | ---: |\n| 12月2日 | 1時間30分 | 5 |\n| 3 Dec | 12 min | 1200 |';
    expect(markdownToText(md)).toBe(
      ['日付     最大遅延   件数', '-------  ---------  ----', '12月2日  1時間30分     5', '3 Dec    12 min     1200'].join('\n'),
    );
  });

  it('writes links as "text (URL)", bare URLs once, and keeps only the schemes the sanitiser keeps', () => {
    expect(markdownToText('[状況](https://status.example/x) and https://status.example/y and <mailto:a@b.test>')).toBe(
      '状況 (https://status.example/x) and https://status.example/y and mailto:a@b.test',
    );
    expect(markdownToText('see [the page][p]\n\n[p]: https://status.example/p "title"')).toBe('see the page (https://status.example/p)');
    expect(markdownToText('![graph](https://status.example/g.png)')).toBe('graph (https://status.example/g.png)');
    for (const url of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'jav&#x09;ascript:alert(1)', 'vbscript:x', 'data:text/html,x']) {
      expect(markdownToText(`[click](${url})`), url).toBe('click');
      expect(markdownToText(`![img](${url})`), url).toBe('img');
    }
  });

  it('drops raw HTML as the HTML rendering does, and keeps literal "<" inert', () => {
    expect(markdownToText('before\n\n<script>alert(1)</script>\n\nafter <b>bold</b>')).toBe('before\n\nafter bold');
    expect(markdownToText('&lt;script&gt;x&lt;/script&gt; and `<img src=x onerror=y>` and 1 < 2')).toBe('< script>x< /script> and < img src=x onerror=y> and 1 < 2');
  });

  it('writes headings underlined, quotes with ">", code indented, footnotes at the end, and no trailing spaces', () => {
    const text = markdownToText('# 障害報告\n\n## 原因\n\n> 引用  \n> 二行目\n>\n> 三行目\n\n```\nqueue  \n\nflush\n```\n\n注[^1]\n\n[^1]: 補足');
    expect(text).toBe('障害報告\n========\n\n原因\n----\n\n> 引用\n> 二行目\n>\n> 三行目\n\n    queue\n\n    flush\n\n注[1]\n\n[1] 補足');
    expect(text.split('\n').every((line) => line === line.trimEnd())).toBe(true);
  });

  it('gives one line for summaries', () => {
    expect(markdownToLine('メール受信に**遅延**が\n発生しております。\n\n- 詳細')).toBe('メール受信に遅延が 発生しております。 - 詳細');
  });

  it('leaves nothing of the XSS corpus that an HTML parser would run, in either rendering', () => {
    for (const p of XSS_PAYLOADS) {
      const md = `intro\n\n${p.text}\n\ninline ${p.text}\n\n- item ${p.text}\n\n| a |\n| - |\n| ${p.text.replace(/\n/g, ' ').replace(/\|/g, '\\|')} |`;
      expect(fragmentProblems(renderMarkdown(md)), `${p.name} (HTML)`).toEqual([]);
      expect(fragmentProblems(markdownToText(md)), `${p.name} (text)`).toEqual([]);
    }
  });
});
