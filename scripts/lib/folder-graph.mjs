// Which lib/ folders import which, and the cycles among them. A folder is a domain (lib/metrics,
// lib/incidents, …); a cycle means two domains cannot be understood, tested or moved apart.
//   node scripts/lib/folder-graph.mjs          prints the cycles, exits 1 when there is one
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LIB = path.join(ROOT, 'lib');
const SKIP = new Set(['generated']);

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return SKIP.has(name) ? [] : filesUnder(full);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

/** The lib/ folder a file belongs to ("" for files directly in lib/). */
function folderOf(file) {
  const rel = path.relative(LIB, file);
  return rel.includes(path.sep) ? rel.split(path.sep)[0] : '';
}

/** folder → the other lib folders its files import (relative imports and '@/lib/…'). */
export function folderGraph() {
  const graph = new Map();
  for (const file of filesUnder(LIB)) {
    const from = folderOf(file);
    if (!from) continue;
    const edges = graph.get(from) ?? new Map();
    graph.set(from, edges);
    const text = readFileSync(file, 'utf8');
    for (const [, spec] of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
      let target;
      if (spec.startsWith('.')) target = path.resolve(path.dirname(file), spec);
      else if (spec.startsWith('@/lib/')) target = path.join(ROOT, spec.slice(2));
      else continue;
      if (!target.startsWith(LIB + path.sep)) continue;
      const to = folderOf(target + (path.extname(target) ? '' : '.ts'));
      if (to && to !== from) edges.set(to, [...(edges.get(to) ?? []), path.relative(ROOT, file)]);
    }
  }
  return graph;
}

/** Strongly connected groups of more than one folder (Tarjan), each sorted. */
export function folderCycles(graph = folderGraph()) {
  let index = 0;
  const indices = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const groups = [];
  const visit = (v) => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), indices.get(w)));
    }
    if (low.get(v) === indices.get(v)) {
      const group = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return groups;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const graph = folderGraph();
  const cycles = folderCycles(graph);
  for (const group of cycles) {
    console.log(`cycle: ${group.join(' ↔ ')}`);
    for (const from of group) for (const [to, files] of graph.get(from) ?? []) if (group.includes(to)) console.log(`  lib/${from} → lib/${to}: ${[...new Set(files)].join(', ')}`);
  }
  if (!cycles.length) console.log('no cycles between lib/ folders');
  process.exit(cycles.length ? 1 : 0);
}
