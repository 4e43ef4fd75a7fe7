import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CATALOGUE_SLUGS } from '../seed/catalogue';
import { ContentError, loadReports } from './reports';

const known = new Set(CATALOGUE_SLUGS);
const repoContent = path.resolve(import.meta.dirname, '../../content/incidents');

const SECTIONS = '## 1. 発生日時\n\nx\n\n## 2. 事象\n\nx\n\n## 3. 原因\n\nx\n\n## 4. 影響範囲\n\nx\n\n## 5. 対処\n\nx\n\n## 6. 今後の対策\n\nx\n';

function report(overrides: Record<string, string> = {}, body = SECTIONS): string {
  const fields: Record<string, string> = {
    slug: 'slug: test-incident',
    title: 'title: { ja: "テスト", en: "Test" }',
    summary: 'summary: { ja: "概要", en: "Summary" }',
    impact: 'impact: minor',
    status: 'status: resolved',
    started_at: 'started_at: 2020-01-02T03:04:00+09:00',
    resolved_at: 'resolved_at: 2020-01-02T05:00:00+09:00',
    components: 'components:\n  - { slug: mail-inbound, status: degraded_performance }',
    timeline: 'timeline:\n  - at: 2020-01-02T03:04:00+09:00\n    status: investigating\n    text: { ja: "調査中", en: "Investigating" }',
    ...overrides,
  };
  return `---\n${Object.values(fields).filter(Boolean).join('\n')}\n---\n\n${body}`;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tayori-content-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function problemsFor(source: string, file = 'test-incident.md'): string {
  writeFileSync(path.join(dir, file), source);
  try {
    loadReports(dir, known);
  } catch (error) {
    expect(error).toBeInstanceOf(ContentError);
    return (error as Error).message;
  }
  throw new Error('expected the report to be rejected');
}

describe('incident report front matter', () => {
  it('accepts a complete report', () => {
    writeFileSync(path.join(dir, 'test-incident.md'), report());
    const [r] = loadReports(dir, known);
    expect(r.frontMatter.title.ja).toBe('テスト');
    expect(r.frontMatter.started_at.toISOString()).toBe('2020-01-01T18:04:00.000Z');
  });

  it('names the file and the missing field', () => {
    const message = problemsFor(report({ impact: '' }));
    expect(message).toMatch(/test-incident\.md: impact: /);
  });

  it('rejects a date that is not a date', () => {
    expect(problemsFor(report({ started_at: 'started_at: 2020-02-30T10:00:00+09:00' }))).toMatch(/test-incident\.md: started_at: is not a real date/);
    expect(problemsFor(report({ started_at: 'started_at: yesterday' }))).toMatch(/started_at: must be a date and time with offset/);
  });

  it('rejects a time without an offset, which would be read in the wrong zone', () => {
    expect(problemsFor(report({ started_at: 'started_at: 2020-01-02T03:04:00' }))).toMatch(/started_at: must be a date and time with offset/);
  });

  it('rejects an unknown component and says which', () => {
    const message = problemsFor(report({ components: 'components:\n  - { slug: mail-inboud, status: major_outage }' }));
    expect(message).toContain('components[0].slug: unknown component "mail-inboud"');
  });

  it('rejects an unknown status', () => {
    expect(problemsFor(report({ status: 'status: fixed' }))).toMatch(/test-incident\.md: status: /);
    const message = problemsFor(report({ components: 'components:\n  - { slug: mail-inbound, status: broken }' }));
    expect(message).toMatch(/components\[0\]\.status: /);
  });

  it('rejects an unknown field, catching typos', () => {
    expect(problemsFor(report({ extra: 'impakt: major' }))).toContain('unknown field "impakt"');
  });

  it('requires resolved_at for a resolved report', () => {
    expect(problemsFor(report({ resolved_at: '' }))).toContain('resolved_at: is required when status is "resolved"');
  });

  it('requires both languages of the title', () => {
    expect(problemsFor(report({ title: 'title: { ja: "テスト" }' }))).toMatch(/title\.en: /);
  });

  it('reports broken YAML instead of crashing', () => {
    expect(problemsFor(report({ title: 'title: { ja: "テスト", en: ' }))).toMatch(/front matter: is not valid YAML/);
  });

  it('reports a file without front matter', () => {
    expect(problemsFor('# just markdown\n')).toContain('front matter: missing');
  });

  it('rejects a slug that does not match the file name', () => {
    expect(problemsFor(report(), 'other-name.md')).toContain('slug: "test-incident" does not match the file name "other-name"');
  });

  it('requires the six numbered sections in order', () => {
    const swapped = SECTIONS.replace('## 2. 事象', '## 9. 事象');
    expect(problemsFor(report({}, swapped))).toMatch(/body: needs the sections "## 1\." to "## 6\." in order/);
  });

  it('keeps a day-only timeline entry as a day', () => {
    const timeline = 'timeline:\n  - at: 2014-12-05\n    status: monitoring\n    text: { ja: "増強開始", en: "Reinforcement began" }';
    writeFileSync(path.join(dir, 'test-incident.md'), report({ timeline }));
    const [r] = loadReports(dir, known);
    expect(r.frontMatter.timeline[0].at).toEqual({ value: '2014-12-05', precision: 'day' });
  });

  it('takes the report\'s own last change from updated_at, and names the field when it is wrong', () => {
    writeFileSync(path.join(dir, 'test-incident.md'), report({ updated_at: 'updated_at: 2020-01-03T10:00:00+09:00' }));
    expect(loadReports(dir, known)[0].frontMatter.updated_at?.toISOString()).toBe('2020-01-03T01:00:00.000Z');
    expect(problemsFor(report({ updated_at: 'updated_at: last week' }))).toMatch(/test-incident\.md: updated_at: must be a date and time with offset/);
    expect(problemsFor(report({ updated_at: 'updated_at: 2020-01-02T10:00' }))).toMatch(/test-incident\.md: updated_at: must be a date and time with offset/);
    expect(problemsFor(report({ updated_at: 'updated_at: 2019-12-31T10:00:00+09:00' }))).toContain('test-incident.md: updated_at: is before started_at');
  });

  it('lists every problem at once', () => {
    const message = problemsFor(report({ impact: 'impact: huge', status: 'status: gone' }));
    expect(message).toMatch(/impact: /);
    expect(message).toMatch(/status: /);
  });
});

describe('the authored reports in content/incidents', () => {
  it('all validate, and the 2014 report has both languages', () => {
    const reports = loadReports(repoContent, known);
    const r2014 = reports.find((r) => r.frontMatter.slug === '2014-12-02-mail-delay');
    expect(r2014).toBeDefined();
    expect(r2014!.frontMatter.max_delay_minutes).toBe(90);
    expect(r2014!.frontMatter.windows).toHaveLength(3);
    expect(r2014!.bodyEn).toContain('## 1. When it happened');
    // Its 最終更新: when the incident was declared resolved (12/9 15:00 JST), not when it is imported.
    expect(r2014!.frontMatter.updated_at?.toISOString()).toBe('2014-12-09T06:00:00.000Z');
    expect(readFileSync(path.join(repoContent, '2014-12-02-mail-delay.md'), 'utf8')).toContain('0120-577-399');
  });
});
