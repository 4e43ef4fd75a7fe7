// Statuspage's API takes form bodies with bracketed names, as its curl examples send them:
//   incident[name]=DNS&incident[component_ids][]=abc&incident[components][abc]=major_outage
// This turns such a body into the same nested object a JSON body would give:
//   { incident: { name: 'DNS', component_ids: ['abc'], components: { abc: 'major_outage' } } }

export type FormValue = string | FormValue[] | { [key: string]: FormValue };

export class FormShapeError extends Error {}

/** The name's parts: "a[b][]" → ["a", "b", ""]. Null when the brackets do not pair up. */
export function bracketPath(name: string): string[] | null {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(name);
  if (!match) return null;
  const rest = [...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]);
  return [match[1], ...rest];
}

const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

export function parseBracketForm(body: string): Record<string, FormValue> {
  const root: Record<string, FormValue> = Object.create(null);
  for (const [name, value] of new URLSearchParams(body)) {
    const path = bracketPath(name);
    if (!path) throw new FormShapeError(`"${name}" is not a field name`);
    if (path.some((p) => FORBIDDEN.has(p))) throw new FormShapeError(`"${name}" is not a field name`);
    let node: Record<string, FormValue> | FormValue[] = root;
    for (let i = 0; i < path.length; i++) {
      const part = path[i];
      const last = i === path.length - 1;
      if (Array.isArray(node)) {
        // Only "[]" may follow a list: a[b][][c] is not something Statuspage's clients send.
        if (part !== '' || !last) throw new FormShapeError(`"${name}" is not a field name`);
        node.push(value);
        break;
      }
      if (part === '') throw new FormShapeError(`"${name}" is not a field name`);
      if (last) {
        if (node[part] !== undefined && typeof node[part] !== 'string') throw new FormShapeError(`"${name}" is given twice with different shapes`);
        node[part] = value;
        break;
      }
      const wantsList = path[i + 1] === '';
      const existing: FormValue | undefined = node[part];
      if (existing === undefined) node[part] = wantsList ? [] : Object.create(null);
      else if (typeof existing === 'string' || Array.isArray(existing) !== wantsList) throw new FormShapeError(`"${name}" is given twice with different shapes`);
      node = node[part] as Record<string, FormValue> | FormValue[];
    }
  }
  return root;
}
