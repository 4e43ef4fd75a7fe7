import { describe, expect, it } from 'vitest';
import { probeFormInput } from './form';
import { validateProbe } from './schema';

// The console form's flat fields → the schema's input: settings of the chosen kind only, empty
// number fields take the defaults, text that is not a number is refused by the schema.
describe('probe form input', () => {
  it('gathers the settings of the chosen kind, checkboxes as booleans', () => {
    const input = probeFormInput({ componentId: 'c1', kind: 'http', target: 'https://example.jp/', expectStatus: '200,204', keyword: 'ok', keywordAbsent: 'on', certMinDays: '14', user: 'ignored', intervalS: '30', timeoutS: '', confirmations: '3', degradedAboveMs: '', locations: 'tokyo, osaka', enabled: 'on' });
    expect(input).toMatchObject({ kind: 'http', intervalS: 30, timeoutS: undefined, degradedAboveMs: null, locations: ['tokyo', 'osaka'], enabled: true });
    expect(input.settings).toEqual({ expectStatus: '200,204', keyword: 'ok', keywordAbsent: true, certMinDays: 14, tlsVerify: false, confirmations: 3 });
    const valid = validateProbe(input);
    expect(valid.ok && valid.probe).toMatchObject({ timeoutS: 10, settings: { certMinDays: 14, confirmations: 3 } });
  });

  it('refuses text in a number field with the field named', () => {
    const result = validateProbe(probeFormInput({ componentId: 'c1', kind: 'tcp', target: '127.0.0.1:22', intervalS: 'often', enabled: '' }));
    expect(result.ok ? [] : result.issues).toEqual([{ field: 'intervalS', problem: 'interval' }]);
  });
});
