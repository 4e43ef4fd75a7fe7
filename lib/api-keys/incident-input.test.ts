import { describe, expect, it } from 'vitest';
import { parseBracketForm } from './form';
import { bodies, impactFromStatuses, IncidentBody, namedComponents, titles } from './incident-input';

const fromForm = (body: string) => IncidentBody.parse(parseBracketForm(body)).incident;

describe('the incident fields of a write API call', () => {
  it('read a form body as they read JSON: flags, single ids, statuses, times', () => {
    const form = fromForm('incident[name]=DNS&incident[deliver_notifications]=false&incident[component_ids]=dns&incident[components][vps]=partial_outage&incident[updated_at]=2026-12-06T10:00:00%2B09:00');
    const json = IncidentBody.parse({ incident: { name: 'DNS', deliver_notifications: false, component_ids: ['dns'], components: { vps: 'partial_outage' }, updated_at: '2026-12-06T10:00:00+09:00' } }).incident;
    expect(form).toEqual(json);
    expect(form.deliver_notifications).toBe(false);
    expect(form.updated_at?.toISOString()).toBe('2026-12-06T01:00:00.000Z');
  });

  it('refuse what Tayori cannot store, and ignore Statuspage fields it does not use', () => {
    expect(IncidentBody.safeParse({ incident: { status: 'postmortem' } }).success).toBe(false);
    expect(IncidentBody.safeParse({ incident: { components: { dns: 'down' } } }).success).toBe(false);
    expect(IncidentBody.safeParse({ incident: { updated_at: 'yesterday' } }).success).toBe(false);
    expect(IncidentBody.safeParse({ incident: { name: ' ' } }).success).toBe(false);
    expect(IncidentBody.safeParse({}).success).toBe(false);
    expect(IncidentBody.parse({ incident: { name: 'x', metadata: { a: 1 }, backfilled: true } }).incident).toEqual({ name: 'x' });
  });

  it('give both languages the name and body unless each has its own, and a sentence when the body is missing', () => {
    expect(titles(fromForm('incident[name]=DNS'))).toEqual({ ja: 'DNS', en: 'DNS' });
    expect(titles(fromForm('incident[name]=DNS障害&incident[name_en]=DNS outage'))).toEqual({ ja: 'DNS障害', en: 'DNS outage' });
    expect(bodies(fromForm('incident[body]=x&incident[body_ja]=ジェイ'), 'identified')).toEqual({ ja: 'ジェイ', en: 'x' });
    expect(bodies(fromForm('incident[name]=x'), 'resolved')).toEqual({ ja: '復旧しました。', en: 'This incident has been resolved.' });
  });

  it('name components with or without a status, the status winning', () => {
    expect([...namedComponents(fromForm('incident[component_ids][]=dns&incident[component_ids][]=vps&incident[components][vps]=major_outage'))]).toEqual([
      ['dns', null],
      ['vps', 'major_outage'],
    ]);
  });

  it('derive Statuspage’s impact from the worst component status', () => {
    expect(impactFromStatuses([])).toBe('none');
    expect(impactFromStatuses([null, 'degraded_performance'])).toBe('minor');
    expect(impactFromStatuses(['degraded_performance', 'partial_outage'])).toBe('major');
    expect(impactFromStatuses(['operational', 'major_outage'])).toBe('critical');
  });
});
