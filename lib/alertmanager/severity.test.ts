import { describe, expect, it } from 'vitest';
import { DEFAULT_SEVERITY_MAP, levelForSeverity, parseSeverityMap } from './severity';

describe('severity labels to statuses', () => {
  const defaults = parseSeverityMap(DEFAULT_SEVERITY_MAP);

  it('maps critical and warning, and anything else to the default', () => {
    expect(levelForSeverity(defaults, 'critical')).toBe('major_outage');
    expect(levelForSeverity(defaults, 'warning')).toBe('degraded_performance');
    expect(levelForSeverity(defaults, 'WARNING ')).toBe('degraded_performance');
    expect(levelForSeverity(defaults, 'page')).toBe('partial_outage');
    expect(levelForSeverity(defaults, undefined)).toBe('partial_outage');
  });

  it('ignores unknown severities when no default is given', () => {
    const strict = parseSeverityMap('critical=major_outage, info=degraded_performance');
    expect(levelForSeverity(strict, 'info')).toBe('degraded_performance');
    expect(levelForSeverity(strict, 'warning')).toBeNull();
    expect(levelForSeverity(strict, undefined)).toBeNull();
  });

  it('refuses a setting it cannot read, saying why', () => {
    expect(() => parseSeverityMap('critical')).toThrow('"critical" is not severity=status');
    expect(() => parseSeverityMap('critical=down')).toThrow('"down" is not one of degraded_performance, partial_outage, major_outage');
    expect(() => parseSeverityMap('critical=operational')).toThrow('is not one of');
    expect(() => parseSeverityMap(' , ')).toThrow('no severity is mapped');
  });
});
