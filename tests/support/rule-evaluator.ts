// A process that evaluates the metric rules on command, as a site process does on a tick: prints
// "ready" once connected, then runs one evaluation per "go" line on stdin and prints its result.
// Two of them started together let a test fire evaluations at the same moment from two processes.
//   node --conditions=react-server --import tsx tests/support/rule-evaluator.ts
import { createInterface } from 'node:readline';
import { db } from '../../lib/db';
import { evaluateRules } from '../../lib/metrics/evaluate';

// Connect (and load the query compiler) before saying ready, so that "go" starts the evaluation itself.
await db.component.count();
console.log('ready');
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'go') continue;
  try {
    console.log(`done ${JSON.stringify(await evaluateRules())}`);
  } catch (error) {
    console.log(`failed ${JSON.stringify(String(error))}`);
  }
}
await db.$disconnect();
