import { describe, expect, it } from 'vitest';
import { FormShapeError, parseBracketForm } from './form';

describe('parseBracketForm', () => {
  it('reads the body curl sends for Statuspage’s incident example', () => {
    const body =
      'incident%5Bname%5D=DNS+%E9%81%85%E5%BB%B6&incident%5Bstatus%5D=investigating&incident%5Bcomponent_ids%5D%5B%5D=dns&incident%5Bcomponent_ids%5D%5B%5D=web&incident%5Bcomponents%5D%5Bdns%5D=major_outage&incident%5Bdeliver_notifications%5D=true';
    expect(JSON.parse(JSON.stringify(parseBracketForm(body)))).toEqual({
      incident: { name: 'DNS 遅延', status: 'investigating', component_ids: ['dns', 'web'], components: { dns: 'major_outage' }, deliver_notifications: 'true' },
    });
  });

  it('reads unencoded brackets as curl -d sends them', () => {
    const parsed = parseBracketForm('incident[name]=a&incident[body]=b%26c');
    expect(JSON.parse(JSON.stringify(parsed))).toEqual({ incident: { name: 'a', body: 'b&c' } });
  });

  it('refuses names that do not pair up or mix shapes', () => {
    expect(() => parseBracketForm('incident[name=a')).toThrow(FormShapeError);
    expect(() => parseBracketForm('incident[component_ids][]=a&incident[component_ids][x]=b')).toThrow(FormShapeError);
    expect(() => parseBracketForm('incident=a&incident[name]=b')).toThrow(FormShapeError);
  });

  it('cannot be used to reach an object’s prototype', () => {
    expect(() => parseBracketForm('__proto__[polluted]=yes')).toThrow(FormShapeError);
    expect(() => parseBracketForm('incident[constructor][prototype][x]=1')).toThrow(FormShapeError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
