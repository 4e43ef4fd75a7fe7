import { describe, expect, it } from 'vitest';
import { TemplateInput, templateFormValues, type TemplateDto } from './templates';

const base = { name: 'DNS', kind: 'incident', titleJa: 'DNSの障害', titleEn: 'DNS outage', bodyJa: '調査中です。', bodyEn: 'Investigating.', status: '', impact: '' };

describe('incident templates', () => {
  it('need a title in both languages for an incident or a maintenance, not for an update', () => {
    const missing = TemplateInput.safeParse({ ...base, titleEn: '  ' });
    expect(missing.success).toBe(false);
    expect(missing.error?.issues.map((i) => i.path[0])).toEqual(['titleEn']);
    expect(TemplateInput.safeParse({ ...base, kind: 'maintenance', titleJa: '' }).success).toBe(false);
    expect(TemplateInput.safeParse({ ...base, kind: 'update', titleJa: '', titleEn: '' }).success).toBe(true);
  });

  it('need a body in both languages and take only known statuses and impacts', () => {
    expect(TemplateInput.safeParse({ ...base, bodyEn: ' ' }).error?.issues.map((i) => i.path[0])).toEqual(['bodyEn']);
    expect(TemplateInput.safeParse({ ...base, status: 'on_fire' }).success).toBe(false);
    expect(TemplateInput.safeParse({ ...base, impact: 'apocalyptic' }).success).toBe(false);
    expect(TemplateInput.parse({ ...base, status: 'identified', impact: 'major' })).toMatchObject({ status: 'identified', impact: 'major' });
    expect(TemplateInput.parse(base)).toMatchObject({ status: null, impact: null });
  });

  it('fill the form fields of their kind only', () => {
    const dto: TemplateDto = { id: 't1', name: 'x', kind: 'update', titleJa: 'ignored', titleEn: 'ignored', bodyJa: 'b', bodyEn: 'c', status: 'monitoring', impact: null, position: 0, updatedAt: '' };
    expect(templateFormValues(dto)).toEqual({ bodyJa: 'b', bodyEn: 'c', status: 'monitoring' });
    expect(templateFormValues({ ...dto, kind: 'incident', impact: 'minor' })).toEqual({ bodyJa: 'b', bodyEn: 'c', status: 'monitoring', impact: 'minor', titleJa: 'ignored', titleEn: 'ignored' });
  });
});
