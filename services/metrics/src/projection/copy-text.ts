/**
 * Rows encoded in the text format of `COPY … FROM STDIN` (https://www.postgresql.org/docs/current/sql-copy.html,
 * "Text Format"): one line a row, columns separated by tabs, `\N` for NULL, and a backslash,
 * tab, newline or carriage return inside a value written as `\\`, `\t`, `\n`, `\r`. Values
 * are converted as `json_populate_recordset` converts the JSON of the same row objects (the
 * insert path of write-rows.ts), so both store the same row: a missing key, `null`, a
 * non-finite number or an invalid date is NULL; a `Date` is its ISO form; `json`/`jsonb`
 * columns get the value's JSON; arrays become array literals. NUL characters are refused
 * upstream (Postgres stores none in text either way).
 */

/** How a column's value is written. */
export type CopyColumnKind = 'scalar' | 'array' | 'json';

export interface CopyColumn {
  name: string;
  kind: CopyColumnKind;
}

const NULL = '\\N';
const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPED = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value's text escaped for a field of COPY's text format. */
export function escapeCopyText(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPED, (c) => ESCAPES[c]!) : text;
}

/** A value's text as Postgres reads it for a scalar column, or null for NULL. */
export function scalarText(value: unknown): string | null {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? String(value) : null;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return String(value);
    case 'undefined':
      return null;
    default:
      if (value === null) return null;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
      // What json_populate_recordset stores for an object in a scalar column: its JSON.
      return JSON.stringify(value);
  }
}

const ARRAY_ELEMENT_ESCAPE = /["\\]/g;

/** An array literal (`{"a","b c",NULL}`); every element quoted, so no text needs more care. */
function arrayText(value: readonly unknown[]): string {
  const elements = value.map((element) => {
    if (Array.isArray(element)) return arrayText(element);
    const text = scalarText(element);
    return text === null ? 'NULL' : `"${text.replace(ARRAY_ELEMENT_ESCAPE, '\\$&')}"`;
  });
  return `{${elements.join(',')}}`;
}

/** One column's field of a row, escaped. */
export function copyField(value: unknown, kind: CopyColumnKind): string {
  if (value === null || value === undefined) return NULL;
  let text: string | null;
  if (kind === 'json') text = JSON.stringify(value) ?? null;
  else if (kind === 'array') text = Array.isArray(value) ? arrayText(value) : scalarText(value);
  else text = scalarText(value);
  return text === null ? NULL : escapeCopyText(text);
}

/** One row's line, its fields in the columns' order, ending in a newline. */
export function copyLine(row: object, columns: readonly CopyColumn[]): string {
  const record = row as Record<string, unknown>;
  let line = '';
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i]!;
    line += (i === 0 ? '' : '\t') + copyField(record[column.name], column.kind);
  }
  return `${line}\n`;
}
