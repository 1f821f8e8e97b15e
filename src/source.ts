import { readFile } from 'node:fs/promises';
import { LineCounter, isMap, isNode, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { InputError } from './errors.js';

/** A YAML or JSON file parsed into plain data, remembering where each value came from. */
export interface SourceFile {
  /** The path as the user gave it, for messages. */
  file: string;
  data: unknown;
  /** The 1-based line of the value at `path`, or of its nearest ancestor that exists. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

/** Reads a YAML file (JSON is YAML too, so the same parser gives line numbers for both). */
export async function readSourceFile(file: string, what: string): Promise<SourceFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(fileReadProblem(file, what, error));
  }
  if (text.trim() === '') {
    throw new InputError({ file, message: `the ${what} file is empty`, fix: `write the ${what} in YAML or JSON (see the README)` });
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntaxError = document.errors[0];
  if (syntaxError) {
    const line = syntaxError.pos ? lineCounter.linePos(syntaxError.pos[0]).line : undefined;
    throw new InputError({
      file,
      line,
      message: `not valid YAML/JSON: ${firstLine(syntaxError.message)}`,
      fix: 'check indentation, colons and quotes on that line (a value containing ": " or starting with a quote must be quoted as a whole)',
    });
  }
  return {
    file,
    data: document.toJS(),
    lineOf: (path) => lineOfPath(document, lineCounter, path),
  };
}

/** The line of a field's key (`text:`), not of its value, which for a map or list starts a line later. */
function lineOfPath(document: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let length = path.length; length > 0; length--) {
    const parent = length === 1 ? document.contents : document.getIn(path.slice(0, length - 1) as unknown[], true);
    const key = path[length - 1];
    let node: unknown;
    if (isMap(parent)) node = parent.items.find((pair) => isScalar(pair.key) && pair.key.value === key)?.key;
    else if (isSeq(parent) && typeof key === 'number') node = parent.items[key];
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  const root = document.contents;
  return isNode(root) && root.range ? lineCounter.linePos(root.range[0]).line : undefined;
}

function fileReadProblem(file: string, what: string, error: unknown) {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return { file, message: `no such ${what} file`, fix: 'check the path and the current folder' };
  if (code === 'EISDIR') return { file, message: `this is a folder, not a ${what} file`, fix: `name the ${what} file itself` };
  if (code === 'EACCES') return { file, message: `the ${what} file cannot be read (permission denied)`, fix: 'check the file permissions' };
  return { file, message: `cannot read the ${what} file (${code ?? String(error)})` };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
