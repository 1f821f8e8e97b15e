import * as v from 'valibot';
import type { Problem } from './errors.js';
import type { SourceFile } from './source.js';

type AnyIssue = v.BaseIssue<unknown>;
type AnySchema = v.GenericSchema;

/**
 * Validates `source.data` against `schema` and turns every issue into a Problem naming the file,
 * the line, the field path and how to fix it (from `help`, keyed by path with `*` for indices).
 */
export function validate<S extends AnySchema>(
  schema: S,
  source: SourceFile,
  help: Record<string, string>,
  options: { quoteValues?: boolean } = {},
): { output: v.InferOutput<S>; problems: [] } | { output?: undefined; problems: Problem[] } {
  const result = v.safeParse(schema, source.data, { abortEarly: false });
  if (result.success) return { output: result.output, problems: [] };
  const describeValue = options.quoteValues === false ? describeKind : describe;
  return { problems: result.issues.map((issue) => issueToProblem(issue, schema, source, help, describeValue)) };
}

function issueToProblem(
  issue: AnyIssue,
  schema: AnySchema,
  source: SourceFile,
  help: Record<string, string>,
  describe: (value: unknown) => string,
): Problem {
  const keys = (issue.path ?? []).map((item) => item.key as PropertyKey);
  const path = formatPath(keys);
  const base = { file: source.file, line: source.lineOf(keys), path: path || undefined };
  const fix = helpFor(keys, help);

  if (issue.type === 'strict_object' && issue.expected === 'never') {
    const allowed = allowedKeys(schema, keys.slice(0, -1));
    return {
      ...base,
      message: `unknown field "${String(keys.at(-1))}"`,
      fix: `remove it or correct the spelling${allowed.length ? `; allowed here: ${allowed.join(', ')}` : ''}`,
    };
  }
  if (issue.input === undefined && issue.kind === 'schema') {
    return { ...base, message: 'is missing', fix };
  }
  if (issue.type === 'picklist') {
    return { ...base, message: `"${String(issue.input)}" is not known`, fix };
  }
  if (issue.kind === 'validation' && issue.type !== 'integer') {
    return { ...base, message: issue.message, fix };
  }
  if (issue.type === 'integer') {
    return { ...base, message: `must be a whole number, not ${describe(issue.input)}`, fix };
  }
  return { ...base, message: `must be ${expected(issue)}, not ${describe(issue.input)}`, fix };
}

/** `event.title.lv`, `media[1].path`. */
export function formatPath(keys: readonly PropertyKey[]): string {
  return keys.reduce<string>((path, key) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${String(key)}` : String(key)), '');
}

function helpFor(keys: readonly PropertyKey[], help: Record<string, string>): string | undefined {
  const pattern = keys.map((key) => (typeof key === 'number' ? '*' : String(key)));
  for (let length = pattern.length; length > 0; length--) {
    const exact = pattern.slice(0, length).join('.');
    const anyLast = [...pattern.slice(0, length - 1), '*'].join('.');
    if (help[exact]) return help[exact];
    if (length === pattern.length && help[anyLast]) return help[anyLast];
  }
  return undefined;
}

function expected(issue: AnyIssue): string {
  switch (issue.type) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'strict_object':
    case 'object':
    case 'record':
      return 'a map of fields';
    case 'union': {
      const options = unionOptions(issue);
      return options.length ? options.join(' or ') : 'a different kind of value';
    }
    default:
      return issue.expected ?? 'something else';
  }
}

function unionOptions(issue: AnyIssue): string[] {
  const expectedText = issue.expected ?? '';
  const options: string[] = [];
  if (expectedText.includes('string')) options.push('text');
  if (expectedText.includes('Array')) options.push('a list');
  if (expectedText.includes('Object')) options.push('a map by language (lv: …, ru: …)');
  if (expectedText.includes('Date')) options.push('a date and time');
  return options;
}

export function describe(value: unknown): string {
  if (value === null) return 'empty';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  switch (typeof value) {
    case 'string':
      return `the text "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return String(value);
    case 'object':
      return 'a map of fields';
    default:
      return typeof value;
  }
}

/** Like describe, but never repeats the value itself: config values may be secrets pasted in the wrong place. */
function describeKind(value: unknown): string {
  return typeof value === 'string' ? `text of ${value.length} characters` : describe(value);
}

/** Field names a strict object at `keys` accepts, for "unknown field" hints. */
function allowedKeys(schema: AnySchema, keys: readonly PropertyKey[]): string[] {
  let current: unknown = schema;
  for (const key of keys) {
    current = unwrap(current);
    const node = current as { type?: string; entries?: Record<string, unknown>; item?: unknown; value?: unknown };
    if (node.entries && typeof key === 'string') current = node.entries[key];
    else if (node.item !== undefined) current = node.item;
    else if (node.value !== undefined) current = node.value;
    else return [];
  }
  const entries = (unwrap(current) as { entries?: Record<string, unknown> }).entries;
  return entries ? Object.keys(entries) : [];
}

function unwrap(schema: unknown): unknown {
  let current = schema as { type?: string; wrapped?: unknown; pipe?: unknown[]; options?: unknown[] };
  for (;;) {
    if (current.wrapped) current = current.wrapped as typeof current;
    else if (current.pipe && current.pipe[0] !== current) current = current.pipe[0] as typeof current;
    else if (current.type === 'union' && current.options) {
      const objectOption = current.options.find((option) => (option as { entries?: unknown }).entries);
      if (!objectOption) return current;
      current = objectOption as typeof current;
    } else return current;
  }
}

export function isWebAddress(text: string): boolean {
  try {
    const url = new URL(text.trim());
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/**
 * Secrets are named, never written: `accessTokenEnv: IP_POST_FACEBOOK_TOKEN`. A name is written as such
 * names are, in capitals with underscores; anything else — a token pasted in by mistake looks like
 * `EAAGm0PX4ZCps…` — is refused, and never repeated in the message.
 */
export const envName = v.pipe(
  v.string(),
  v.check((name) => /^[A-Z_][A-Z0-9_]*$/.test(name) && !(name.length >= 24 && !name.includes('_')), 'must be the name of an environment variable in capitals, e.g. IP_POST_FACEBOOK_TOKEN, not the secret itself (which goes in that variable or a .env file)'),
);
