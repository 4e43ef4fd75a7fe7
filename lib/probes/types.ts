import { runProblemText, type RunProblem, type RunProblemCode } from './run-problems';
import type { ProbeKind, ProbeSettings } from './schema';

/** What a runner needs of a probe (a stored row with its settings parsed, or a form's values for "test now"). */
export interface ProbeSpec {
  kind: ProbeKind;
  target: string;
  settings: ProbeSettings;
  timeoutS: number;
}

export interface ProbeOutcome {
  ok: boolean;
  /** Until the check passed or failed (connect, TLS, answer), in milliseconds. */
  latencyMs: number;
  /** Why it failed, in words staff can act on. Never holds a password. */
  error?: string;
  /** Extras worth showing (status code, certificate days left, the DNS answer). */
  detail?: Record<string, unknown>;
}

export class ProbeFailure extends Error {
  constructor(
    message: string,
    readonly detail?: Record<string, unknown>,
    readonly problem?: RunProblem,
  ) {
    super(message);
  }

  /** A failure worded in both languages: its English text is the message. */
  static of(code: RunProblemCode, params: RunProblem['params'], detail?: Record<string, unknown>): ProbeFailure {
    const problem = { code, params };
    return new ProbeFailure(runProblemText(problem, 'en'), detail, problem);
  }
}
