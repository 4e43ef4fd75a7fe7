// A process that evaluates the metric rules on command, as the worker does on a tick: prints
// "ready" once connected, then runs one evaluation per "go" line on stdin and prints its result,
// and the notice sweep per "sweep" line. Two of them started together let a test fire evaluations
// at the same moment from two processes; TAYORI_CRASH_AT makes one die at a named point.
//   node --conditions=react-server --import tsx tests/support/rule-evaluator.ts
import { createInterface } from 'node:readline';
import { db } from '../../lib/db';
import { evaluateRules } from '../../lib/rules/evaluate';
import { createMissedIncidentNotices } from '../../lib/notices/enqueue';

// Connect (and load the query compiler) before saying ready, so that "go" starts the evaluation itself.
await db.component.count();
console.log('ready');
for await (const line of createInterface({ input: process.stdin })) {
  const command = line.trim();
  if (command !== 'go' && command !== 'sweep') continue;
  try {
    const result = command === 'go' ? await evaluateRules() : { created: await createMissedIncidentNotices() };
    console.log(`done ${JSON.stringify(result)}`);
  } catch (error) {
    console.log(`failed ${JSON.stringify(String(error))}`);
  }
}
await db.$disconnect();
