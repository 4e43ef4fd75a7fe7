import { describe, expect, it } from 'vitest';
import { runProblemText, storedRunProblem } from './run-problems';

describe('probe run problems', () => {
  it('words a stored problem in both languages, the English as the stored error', () => {
    const detail = { status: 503, problem: { code: 'httpStatus', params: { status: 503, expected: '200-399' } } };
    const problem = storedRunProblem(detail)!;
    expect(runProblemText(problem, 'en')).toBe('HTTP 503, expected 200-399');
    expect(runProblemText(problem, 'ja')).toBe('HTTP 503（期待値: 200-399）');
  });

  it('ignores a detail without a problem, or with one this version does not know (the stored English is shown)', () => {
    expect(storedRunProblem(null)).toBeNull();
    expect(storedRunProblem({ answers: [] })).toBeNull();
    expect(storedRunProblem({ problem: { code: 'fromTheFuture', params: {} } })).toBeNull();
    expect(storedRunProblem({ problem: { code: 'refused' } })).toBeNull();
  });
});
