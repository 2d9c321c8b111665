import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';

/**
 * Reading a configuration file (JSON or YAML, by extension) into plain data. Problems give the path and a position,
 * never the file's content: a secret pasted into the file by mistake must not reach the logs through a parse error.
 */

/** Larger than any honest list of 20 stores; stops a wrong path (a log, /dev/zero) from being read whole. */
const MAX_FILE_BYTES = 1024 * 1024;

/** The file's data, or a problem that says why there is none; parse messages give a position, never file content. */
export function readStructuredFile(path: string): { data: unknown } | { problem: string } {
  const extension = extname(path).toLowerCase();
  if (!['.json', '.yaml', '.yml'].includes(extension)) return { problem: `${path} must end in .json, .yaml or .yml` };
  let text: string;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return { problem: `cannot read ${path}: it is a directory` };
    if (stat.size > MAX_FILE_BYTES) return { problem: `${path} is larger than 1 MiB` };
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { problem: `cannot read ${path}: ${READ_ERRORS[code ?? ''] ?? code ?? 'read failed'}` };
  }
  return extension === '.json' ? parseJson(path, text) : parseYaml(path, text);
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a folder on the path is a file',
};

function parseJson(path: string, text: string): { data: unknown } | { problem: string } {
  try {
    return { data: JSON.parse(text) };
  } catch (e) {
    // V8 quotes the text around an unexpected token; only the position (when given) is repeated.
    const at = /at position (\d+)/.exec((e as Error).message);
    return { problem: `${path} is not valid JSON${at ? ` (${linePosition(text, Number(at[1]))})` : ''}` };
  }
}

function parseYaml(path: string, text: string): { data: unknown } | { problem: string } {
  const doc = parseDocument(text);
  const error = doc.errors[0];
  if (error) {
    const [start] = error.linePos ?? [];
    const where = start ? `line ${start.line}, column ${start.col}: ` : '';
    return { problem: `${path} is not valid YAML (${where}${safeDescription(error.message, error.code)})` };
  }
  try {
    return { data: doc.toJS() };
  } catch (e) {
    // An unresolved alias or too many of them (the yaml package's guard against alias bombs).
    return { problem: `${path} is not valid YAML (${safeDescription((e as Error).message, 'BAD_ALIAS')})` };
  }
}

/** The yaml package's description without its code frame; its code alone when the description quotes the file. */
function safeDescription(message: string, code: string): string {
  const description = message.split(/ at line \d|\n/)[0]!.trim();
  return /["'`]|: /.test(description) || description === '' ? code : description;
}

function linePosition(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
}
