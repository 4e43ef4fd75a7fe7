import { describe, expect, it } from 'vitest';
import { cacheableResponse, etagMatches, requestLang, strongEtag } from './http';

describe('conditional requests', () => {
  it('matches the tag itself, its weak form, a list containing it and "*"', () => {
    const tag = strongEtag('{"a":1}');
    expect(tag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(etagMatches(tag, tag)).toBe(true);
    expect(etagMatches(`W/${tag}`, tag)).toBe(true);
    expect(etagMatches(`"other", ${tag}`, tag)).toBe(true);
    expect(etagMatches('*', tag)).toBe(true);
    expect(etagMatches('"other"', tag)).toBe(false);
    expect(etagMatches(null, tag)).toBe(false);
  });

  it('answers 304 without a body, keeping the validator and CORS', async () => {
    const first = cacheableResponse(new Request('http://x/a'), 'body', 'text/plain');
    const etag = first.headers.get('etag')!;
    const second = cacheableResponse(new Request('http://x/a', { headers: { 'If-None-Match': etag } }), 'body', 'text/plain');
    expect(second.status).toBe(304);
    expect(await second.text()).toBe('');
    expect(second.headers.get('etag')).toBe(etag);
    expect(second.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('?lang', () => {
  it('is Japanese by default, English on request, and refuses anything else', () => {
    expect(requestLang(new Request('http://x/a'))).toBe('ja');
    expect(requestLang(new Request('http://x/a?lang=en'))).toBe('en');
    expect(requestLang(new Request('http://x/a?lang=fr'))).toBeNull();
  });
});
