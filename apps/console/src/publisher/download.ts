/**
 * 导出: the province's own entries as a file, fetched through the API client (so the request carries
 * the bearer token, which a plain link would not) and handed to the browser as a download.
 */
import { type ApiClient, unwrap } from '../api/client';
import type { ExportFormat } from './types';

const extensions: Record<ExportFormat, string> = { csv: 'csv', xlsx: 'xlsx', dcat: 'jsonld' };

/** The file name the API gave (Content-Disposition), or one of our own. */
export function fileNameOf(disposition: string | null, format: ExportFormat): string {
  const named = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition ?? '')?.[1];
  return named ? decodeURIComponent(named) : `yrd-catalog-own.${extensions[format]}`;
}

export async function downloadOwnEntries(api: ApiClient, format: ExportFormat): Promise<void> {
  const answer = await api.GET('/api/catalog/v1/export', {
    params: { query: { scope: 'own', format } },
    parseAs: 'blob',
  });
  const blob = await unwrap(answer);
  const url = URL.createObjectURL(blob);
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = fileNameOf(answer.response.headers.get('content-disposition'), format);
    document.body.append(a);
    a.click();
    a.remove();
  } finally {
    // the browser reads the blob when the download starts, a moment after the click
    setTimeout(() => URL.revokeObjectURL(url), 30_000);
  }
}
