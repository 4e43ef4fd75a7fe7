import { describe, expect, it } from 'vitest';
import { folderCycles, folderGraph } from './folder-graph.mjs';

describe('lib/ folders', () => {
  it('import each other in one direction only: no cycles', () => {
    const graph = folderGraph();
    expect(graph.size).toBeGreaterThan(10);
    expect(folderCycles(graph)).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    const graph = new Map([
      ['a', new Map([['b', ['lib/a/x.ts']]])],
      ['b', new Map([['c', ['lib/b/y.ts']]])],
      ['c', new Map([['a', ['lib/c/z.ts']]])],
      ['d', new Map([['a', ['lib/d/w.ts']]])],
    ]);
    expect(folderCycles(graph)).toEqual([['a', 'b', 'c']]);
  });
});
