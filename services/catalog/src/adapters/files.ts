/** Spreadsheet files in and out: CSV (csv-parse / csv-stringify) and XLSX (read- / write-excel-file). */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { readSheet } from 'read-excel-file/node';
import writeXlsxFile from 'write-excel-file/node';
import type { Cell } from '../domain/table.js';

export const tableFormats = ['csv', 'xlsx'] as const;
export type TableFormat = (typeof tableFormats)[number];

export const mediaTypes: Record<TableFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Rows of an uploaded file; a UTF-8 BOM (Excel's CSV) is dropped. */
export async function readTableFile(format: TableFormat, file: Buffer): Promise<Cell[][]> {
  if (format === 'xlsx') {
    const sheet = await readSheet(file);
    return sheet.map((row) => row.map((c) => (typeof c === 'function' ? null : c)));
  }
  return parse(file, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
}

/** A file of the rows; CSV carries a BOM so that Excel opens Chinese text correctly. */
export async function writeTableFile(format: TableFormat, rows: string[][]): Promise<Buffer> {
  if (format === 'xlsx') return writeXlsxFile(rows.map((r) => r.map((value) => ({ value })))).toBuffer();
  return Buffer.from(stringify(rows, { bom: true }), 'utf8');
}

/** The format of an upload from its content type, when the caller did not say. */
export function formatOf(contentType: string | undefined): TableFormat | undefined {
  const t = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (t === 'text/csv') return 'csv';
  if (t === mediaTypes.xlsx) return 'xlsx';
  return undefined;
}
