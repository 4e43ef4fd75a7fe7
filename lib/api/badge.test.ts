import { describe, expect, it } from 'vitest';
import { renderBadge } from './badge';

describe('status badge', () => {
  it('names itself for screen readers and escapes what staff typed', () => {
    const svg = renderBadge('Mail <in>', 'Degraded & "slow"', 'minor');
    expect(svg).toContain('role="img"');
    expect(svg).toContain('<title>Mail &#60;in&#62;: Degraded &#38; &#34;slow&#34;</title>');
    expect(svg).not.toContain('<in>');
  });

  it('grows with its text, Japanese glyphs counting as full width', () => {
    const width = (svg: string) => Number(svg.match(/width="(\d+)"/)![1]);
    expect(width(renderBadge('status', '全サービス正常', 'ok'))).toBeGreaterThan(width(renderBadge('status', 'ok', 'ok')) + 50);
  });
});
