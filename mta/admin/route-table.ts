// The admin API's route table, made from the contract (contracts/mta-admin-api.ts): method and path
// pattern of each endpoint. A path that no endpoint has is 404, a path some endpoint has with
// another method 405 (with Allow); the answers are decided here, not by the order of handlers.
import type { z } from 'zod';
import { mtaAdminApi, type EndpointName } from '#contracts/mta-admin-api';

interface Route {
  name: EndpointName;
  method: string;
  pattern: RegExp;
  keys: string[];
  params: Record<string, z.ZodType>;
}

export type RouteMatch =
  | { kind: 'found'; name: EndpointName; params: Record<string, unknown> }
  | { kind: 'wrong-method'; allowed: string[] }
  | { kind: 'none' };

function compile(name: EndpointName): Route {
  const spec = mtaAdminApi[name];
  const keys: string[] = [];
  const source = spec.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_, key: string) => {
    keys.push(key);
    return '([^/]+)';
  });
  const params = ('params' in spec ? spec.params : {}) as Record<string, z.ZodType>;
  return { name, method: spec.method, pattern: new RegExp(`^${source}$`), keys, params };
}

const ROUTES: Route[] = (Object.keys(mtaAdminApi) as EndpointName[]).map(compile);

/** The path parameters, checked by their schemas; null when one does not fit (then the path is not this endpoint's). */
function paramsOf(route: Route, path: string): Record<string, unknown> | null {
  const m = route.pattern.exec(path);
  if (!m) return null;
  const params: Record<string, unknown> = {};
  for (const [i, key] of route.keys.entries()) {
    const parsed = route.params[key]!.safeParse(m[i + 1]);
    if (!parsed.success) return null;
    params[key] = parsed.data;
  }
  return params;
}

export function matchRoute(method: string, path: string): RouteMatch {
  const allowed: string[] = [];
  for (const route of ROUTES) {
    const params = paramsOf(route, path);
    if (!params) continue;
    if (route.method === method) return { kind: 'found', name: route.name, params };
    allowed.push(route.method);
  }
  return allowed.length ? { kind: 'wrong-method', allowed } : { kind: 'none' };
}
