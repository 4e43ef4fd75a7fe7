import 'server-only';
import { db } from '../db';
import type { ComponentStatus } from '../status/types';

// A component's status set through the write API, as staff set it in an incident: the override
// wins over the metric rules until it is cleared. Clearing gives the component back to its rule
// (the status the rule asserts now), or to operational when no rule watches it.

export interface ComponentStatusResult {
  componentId: string;
  oldStatus: string;
  newStatus: string;
}

export async function setComponentOverride(componentId: string, status: ComponentStatus): Promise<ComponentStatusResult> {
  return db.$transaction(async (tx) => {
    const component = await tx.component.findUniqueOrThrow({ where: { id: componentId } });
    await tx.component.update({ where: { id: componentId }, data: { status, overrideStatus: status } });
    if (component.status !== status) await tx.componentStatusChange.create({ data: { componentId, oldStatus: component.status, newStatus: status, cause: 'staff' } });
    return { componentId, oldStatus: component.status, newStatus: status };
  });
}

export async function clearComponentOverride(componentId: string): Promise<ComponentStatusResult> {
  return db.$transaction(async (tx) => {
    const component = await tx.component.findUniqueOrThrow({ where: { id: componentId }, include: { rule: { select: { enabled: true, ruleStatus: true } } } });
    const ruleStatus = component.rule?.enabled ? component.rule.ruleStatus : null;
    // "no data" is a flag beside the status, kept by the rule itself: the status then stays as it was.
    const restored = ruleStatus && ruleStatus !== 'no_data' ? ruleStatus : ruleStatus === 'no_data' ? component.status : 'operational';
    await tx.component.update({ where: { id: componentId }, data: { status: restored, overrideStatus: null } });
    if (component.status !== restored) await tx.componentStatusChange.create({ data: { componentId, oldStatus: component.status, newStatus: restored, cause: 'rule' } });
    return { componentId, oldStatus: component.status, newStatus: restored };
  });
}
