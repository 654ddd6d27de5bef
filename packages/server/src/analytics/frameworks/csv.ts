/**
 * CSV reading and writing (RFC 4180): quoted fields, doubled quotes, CRLF or LF, and the `;` separator
 * French spreadsheets write. Small on purpose: frameworks and alignments are short files.
 */

/** Parses CSV text into rows of fields; the separator is `,` or `;`, whichever the header line uses. */
export function parseCsv(text: string): string[][] {
  const body = text.replace(/^\uFEFF/, '');
  const firstLine = body.slice(0, body.search(/\r?\n|$/));
  const sep = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === sep) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f.trim() !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f.trim() !== '')) rows.push(row);
  return rows;
}

/** Rows as objects keyed by the (lower-cased, trimmed) header names. */
export function csvRecords(text: string): { header: string[]; records: Record<string, string>[] } {
  const [head = [], ...rows] = parseCsv(text);
  const header = head.map((h) => h.trim().toLowerCase());
  return {
    header,
    records: rows.map((r) => Object.fromEntries(header.map((h, i) => [h, (r[i] ?? '').trim()]))),
  };
}

const cell = (v: unknown): string => {
  if (v === undefined || v === null) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Writes rows as CSV with a header line (the keys of `columns`, each read by its accessor). */
export function toCsv<T>(rows: readonly T[], columns: Record<string, (row: T) => unknown>): string {
  const names = Object.keys(columns);
  const lines = [names.map(cell).join(',')];
  for (const r of rows) lines.push(names.map((n) => cell(columns[n]!(r))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
