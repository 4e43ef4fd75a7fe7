import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitReport } from './report-sections';

const content = (name: string) => readFileSync(path.resolve(import.meta.dirname, '../../../content/incidents', name), 'utf8').replace(/^---[\s\S]*?\n---\n/, '');

describe('splitReport', () => {
  it('finds every part of the 2014 report in Japanese', () => {
    const { preamble, sections } = splitReport(content('2014-12-02-mail-delay.md'));
    expect(preamble).toContain('深くお詫び申し上げます');
    expect(sections.period?.body).toContain('11:00頃〜20:05頃まで');
    expect(sections.symptoms?.heading).toBe('事象');
    expect(sections.cause?.body).toContain('大量のスパムメール');
    expect(sections.scope?.heading).toBe('影響範囲');
    expect(sections.actions?.heading).toBe('対処');
    expect(sections.countermeasures?.heading).toBe('今後の対策');
    expect(sections.loss?.body).toContain('損失');
    expect(sections.contact?.body).toContain('0120-577-399');
  });

  it('finds every part of the English translation', () => {
    const { sections } = splitReport(content('2014-12-02-mail-delay.en.md'));
    expect(Object.keys(sections).sort()).toEqual(['actions', 'cause', 'contact', 'countermeasures', 'loss', 'period', 'scope', 'symptoms']);
    expect(sections.loss?.body).toContain('No mail');
  });
});
