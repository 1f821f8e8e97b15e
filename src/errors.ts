/** Exit codes, documented in the README. */
export const ExitCode = {
  ok: 0,
  planHasErrors: 1,
  badInput: 2,
} as const;

/** One problem with what the user gave us: where it is and how to fix it. */
export interface Problem {
  /** The file as the user named it (relative paths stay relative). */
  file?: string;
  line?: number;
  /** Field path in the file, e.g. `event.end` or `media[1].path`. */
  path?: string;
  message: string;
  fix?: string;
}

const inputErrorBrand = Symbol.for('ip-post.InputError');

/**
 * Bad input: a file, config, flag or media the user must fix. The CLI prints each problem
 * without a stack trace and exits with code 2.
 */
export class InputError extends Error {
  readonly problems: Problem[];
  readonly [inputErrorBrand] = true;
  constructor(problems: Problem | Problem[]) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.map(formatProblem).join('\n'));
    this.name = 'InputError';
    this.problems = list;
  }
}

/** True for an InputError from any bundle: each command bundle has its own copy of the class. */
export function isInputError(error: unknown): error is InputError {
  return typeof error === 'object' && error !== null && inputErrorBrand in error;
}

export function formatProblem(problem: Problem): string {
  const where = [problem.file && (problem.line ? `${problem.file}:${problem.line}` : problem.file), problem.path]
    .filter(Boolean)
    .join(': ');
  const head = where ? `${where}: ${problem.message}` : problem.message;
  return problem.fix ? `${head}\n  fix: ${problem.fix}` : head;
}
