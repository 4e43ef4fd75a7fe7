import { describe, expect, it } from 'vitest';
import type { StatuspageSnapshot } from './statuspage-data';
import { componentsDocument, incidentsDocument, statusDocument, statuspageShaper, summaryDocument, type SiteInfo } from './statuspage';

const site: SiteInfo = { url: 'https://status.example.jp', nameJa: '例ステータス', nameEn: 'Example Status', timeZone: 'Asia/Tokyo', pageId: 'abc123def456' };
const T0 = '2026-11-01T00:00:00.000Z';

function snapshot(statuses: string[], incidents: StatuspageSnapshot['incidents'] = []): StatuspageSnapshot {
  const components = statuses.map((status, i) => ({
    id: `c${i}`,
    slug: `component-${i}`,
    nameJa: `部品${i}`,
    nameEn: `Part ${i}`,
    descriptionJa: '',
    descriptionEn: '',
    status,
    noData: false,
    groupId: 'g1',
    createdAt: T0,
    updatedAt: T0,
    onlyShowIfDegraded: false,
    archived: false,
  }));
  return {
    groups: [{ id: 'g1', nameJa: 'グループ', nameEn: 'Group', createdAt: T0, updatedAt: T0, componentIds: components.map((c) => c.id) }],
    components,
    incidents,
    maintenances: [],
    uptime: {
      // Added 43 minutes before, with a short partial outage; the other parts know nothing yet.
      'component-1': { uptimePercent: 98.6, periodDays: 90, coveredMinutes: 43, coveredFrom: '2026-11-29T05:00:00.000Z', coverage: 'recent' },
    },
  };
}

const incident = (status: string, impact: string): StatuspageSnapshot['incidents'][number] => ({
  id: 'i1',
  slug: 'delay',
  titleJa: '遅延',
  titleEn: 'Delay',
  status,
  impact,
  startedAt: '2026-11-02T01:00:00.000Z',
  resolvedAt: null,
  // Imported later than it happened.
  createdAt: '2026-11-20T00:00:00.000Z',
  updatedAt: '2026-11-20T00:00:00.000Z',
  componentIds: ['c1'],
  notified: true,
  updates: [
    { id: 'u2', status: 'monitoring', bodyJa: '監視中', bodyEn: 'Watching', displayAt: '2026-11-02T03:00:00.000Z', createdAt: '2026-11-02T03:00:00.000Z', updatedAt: '2026-11-02T03:00:00.000Z', transitions: [] },
    {
      id: 'u1',
      status: 'investigating',
      bodyJa: '調査中',
      bodyEn: 'Looking',
      displayAt: '2026-11-02T01:00:00.000Z',
      createdAt: '2026-11-02T01:00:00.000Z',
      updatedAt: '2026-11-02T01:00:00.000Z',
      transitions: [
        { componentId: 'c1', oldStatus: 'operational', newStatus: 'partial_outage' },
        // Not a Statuspage status: left out rather than breaking a client's enum.
        { componentId: 'c1', oldStatus: 'partial_outage', newStatus: 'no_data' },
      ],
    },
  ],
});

describe('Statuspage documents', () => {
  it('reports maintenance with indicator "none" and the maintenance wording', () => {
    expect(statusDocument(snapshot(['operational', 'under_maintenance']), 'en', site).status).toEqual({ indicator: 'none', description: 'Service Under Maintenance' });
    expect(statusDocument(snapshot(['operational', 'under_maintenance']), 'ja', site).status).toEqual({ indicator: 'none', description: 'メンテナンス中' });
  });

  it('counts unresolved incidents in the indicator, resolved ones not', () => {
    expect(statusDocument(snapshot(['operational'], [incident('identified', 'critical')]), 'en', site).status.indicator).toBe('critical');
    expect(statusDocument(snapshot(['operational'], [incident('resolved', 'critical')]), 'en', site).status.indicator).toBe('none');
  });

  it('gives a group its worst member status and the ids of its members', () => {
    const [group, ...members] = componentsDocument(snapshot(['operational', 'major_outage', 'under_maintenance']), 'en', site).components;
    expect(group).toMatchObject({ group: true, status: 'major_outage', components: ['c0', 'c1', 'c2'], group_id: null, position: 1 });
    expect(members.map((m) => [m.position, m.group_id, m.start_date])).toEqual([
      [1, 'g1', '2026-11-01'],
      [2, 'g1', '2026-11-01'],
      [3, 'g1', '2026-11-01'],
    ]);
  });

  it("adds Tayori's uptime, with what it covers, to components in the component lists only", () => {
    const snap = snapshot(['operational', 'partial_outage']);
    const [group, , part1] = componentsDocument(snap, 'ja', site).components;
    expect(group.tayori_uptime).toBeUndefined();
    expect(part1.tayori_uptime).toEqual({
      percent: 98.6,
      period_days: 90,
      coverage: 'recent',
      covered_minutes: 43,
      covered_from: '2026-11-29T14:00:00+09:00',
      text: '稼働率 98.60 %（直近43分）',
    });
    const en = summaryDocument(snap, 'en', site).components.find((c) => c.id === 'c1');
    expect(en?.tayori_uptime?.text).toBe('98.60 % uptime over the last 43 minutes');
    // An incident's components are the Statuspage object as is.
    const [doc] = incidentsDocument(snapshot(['operational', 'partial_outage'], [incident('monitoring', 'major')]), 'en', site).incidents;
    expect(doc.components[0].tayori_uptime).toBeUndefined();
  });

  it('shapes an incident: local times, first monitoring time, transitions, newest update first', () => {
    const [doc] = incidentsDocument(snapshot(['operational', 'partial_outage'], [incident('monitoring', 'major')]), 'en', site).incidents;
    expect(doc).toMatchObject({
      name: 'Delay',
      started_at: '2026-11-02T10:00:00+09:00',
      created_at: '2026-11-02T10:00:00+09:00',
      monitoring_at: '2026-11-02T12:00:00+09:00',
      shortlink: 'https://status.example.jp/en/incidents/delay',
      page_id: 'abc123def456',
    });
    expect(doc.incident_updates.map((u) => u.body)).toEqual(['Watching', 'Looking']);
    expect(doc.incident_updates[0].affected_components).toBeNull();
    expect(doc.incident_updates[1].affected_components).toEqual([{ code: 'c1', name: 'Part 1', old_status: 'operational', new_status: 'partial_outage' }]);
    expect(doc.components.map((c) => [c.name, c.status])).toEqual([['Part 1', 'partial_outage']]);
  });

  it('summarises only unresolved incidents, in Japanese by default', () => {
    const open = summaryDocument(snapshot(['operational'], [incident('investigating', 'minor')]), 'ja', site);
    expect(open.incidents.map((i) => i.name)).toEqual(['遅延']);
    expect(open.page).toMatchObject({ name: '例ステータス', url: 'https://status.example.jp', time_zone: 'Asia/Tokyo' });
    expect(summaryDocument(snapshot(['operational'], [incident('postmortem', 'minor')]), 'ja', site).incidents).toEqual([]);
  });

  it("gives a webhook the API's page, incident and component, and a Statuspage indicator under maintenance", () => {
    const snap = snapshot(['under_maintenance', 'partial_outage'], [incident('monitoring', 'none')]);
    const shaper = statuspageShaper(snap, 'en', site);
    // partial_outage: the page is "major"; the webhook's page says what status.json says.
    expect(shaper.webhookPage()).toEqual({ id: 'abc123def456', status_indicator: 'major', status_description: statusDocument(snap, 'en', site).status.description });
    const maintenanceOnly = statuspageShaper(snapshot(['under_maintenance', 'operational']), 'ja', site);
    expect(maintenanceOnly.webhookPage()).toEqual({ id: 'abc123def456', status_indicator: 'none', status_description: 'メンテナンス中' });

    const [listed] = incidentsDocument(snap, 'en', site).incidents;
    expect(shaper.incidentById('i1')).toEqual(listed);
    expect(shaper.incidentById('no-such-incident')).toBeNull();
    expect(shaper.componentById('c1')).toEqual(listed.components[0]);
    expect(shaper.componentById('c1')?.position).toBe(2);
    expect(shaper.componentById('not-on-the-page')).toBeNull();
  });

  it('announces a component change with the component id, in the page time zone, only in Statuspage statuses', () => {
    const shaper = statuspageShaper(snapshot(['operational', 'partial_outage']), 'en', site);
    const change = { id: 't1', componentId: 'c1', oldStatus: 'operational', newStatus: 'partial_outage' };
    expect(shaper.componentUpdate(change, '2026-11-02T01:00:00.000Z')).toEqual({
      id: 't1',
      component_id: 'c1',
      old_status: 'operational',
      new_status: 'partial_outage',
      created_at: '2026-11-02T10:00:00+09:00',
    });
    expect(shaper.componentUpdate({ ...change, newStatus: 'no_data' }, '2026-11-02T01:00:00.000Z')).toBeNull();
    expect(shaper.componentUpdate({ ...change, componentId: 'not-on-the-page' }, '2026-11-02T01:00:00.000Z')).toBeNull();
  });
});
