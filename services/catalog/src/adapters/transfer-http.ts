/** Bulk import and export of the catalogue over HTTP: CSV and XLSX in; CSV, XLSX and DCAT out. */
import { invalid } from '@yrd/errors';
import { type HttpApp, requireRoles } from '@yrd/http';
import type { Province } from '@yrd/region';
import { z } from 'zod';
import type { CatalogApp } from '../app/catalog.js';
import type { CatalogImports } from '../app/import.js';
import { toDcat } from '../domain/dcat.js';
import { columns, entryRows } from '../domain/table.js';
import { formatOf, mediaTypes, readTableFile, tableFormats, writeTableFile } from './files.js';
import { searchFilters } from './http.js';
import {
  csvAnswerSchema,
  dcatSchema,
  fileAnswerSchema,
  fileSchema,
  importJobSchema,
  xlsxMediaType,
} from './http-schemas.js';

/** Large enough for a whole agency's catalogue (100,000 item rows is about 30 MB of CSV). */
const uploadLimit = 64 * 1024 * 1024;

export interface TransferOptions {
  province: Province;
  clock: () => Date;
  /** the province's public origin (see CatalogOptions.publicBaseUrl): links start with it */
  publicBaseUrl: () => string;
}

export function transferRoutes(
  app: HttpApp,
  catalog: CatalogApp,
  imports: CatalogImports,
  { province, clock, publicBaseUrl }: TransferOptions,
) {
  app.addContentTypeParser(
    ['text/csv', mediaTypes.xlsx, 'application/octet-stream'],
    { parseAs: 'buffer', bodyLimit: uploadLimit },
    (_req, body, done) => done(null, body),
  );

  app.post(
    '/api/catalog/v1/imports',
    {
      bodyLimit: uploadLimit,
      config: {
        requestMedia: {
          'text/csv': { schema: z.string(), description: '导入模板 the import layout, UTF-8' },
          [xlsxMediaType]: { schema: fileSchema },
          'application/octet-stream': { schema: fileSchema, description: 'with ?format=csv or xlsx' },
        },
      },
      schema: {
        operationId: 'importResources',
        response: {
          200: importJobSchema.describe('wait=true: the finished job'),
          202: importJobSchema.describe('the job to poll (Location)'),
        },
        summary: '批量导入 import entries from a CSV or XLSX file (one row per data item); all or nothing',
        description:
          'Send the file as the body (text/csv or the XLSX media type). New resource codes become drafts; existing ones a new version when a cell changed. Without wait=true the answer is 202 with a job to poll.',
        querystring: z.object({
          format: z.enum(tableFormats).optional(),
          wait: z
            .enum(['true', 'false'])
            .default('false')
            .transform((v) => v === 'true'),
        }),
      },
    },
    async (req, reply) => {
      const by = requireRoles(req, 'publisher', 'admin');
      const format = req.query.format ?? formatOf(req.headers['content-type']);
      if (!format)
        throw invalid(
          'IMPORT.FORMAT_UNKNOWN',
          '请上传 CSV 或 XLSX 文件 send text/csv or an XLSX file, or say ?format=',
        );
      const file = req.body;
      if (!Buffer.isBuffer(file) || file.length === 0) throw invalid('IMPORT.FILE_EMPTY', '文件为空 the file is empty');
      const { job, done } = imports.start(format, () => readTableFile(format, file), by);
      if (!req.query.wait) {
        reply.status(202).header('location', `${publicBaseUrl()}/api/catalog/v1/imports/${encodeURIComponent(job.id)}`);
        return job;
      }
      const finished = await done;
      if (finished.status === 'failed') {
        throw invalid(
          finished.errors[0]?.code ?? 'IMPORT.REJECTED',
          `导入未完成，共 ${finished.errorCount} 处错误，未写入任何条目 nothing was imported: ${finished.errorCount} errors`,
          { details: { job: finished } },
        );
      }
      return finished;
    },
  );

  app.get(
    '/api/catalog/v1/imports/:id',
    {
      schema: {
        operationId: 'getImport',
        response: { 200: importJobSchema },
        summary: '导入进度 progress and row errors of an import',
        params: z.object({ id: z.string().max(64) }),
      },
    },
    async (req) => imports.get(req.params.id, requireRoles(req, 'publisher', 'admin')),
  );

  app.get(
    '/api/catalog/v1/export',
    {
      schema: {
        operationId: 'exportCatalog',
        response: {
          200: {
            description: '目录文件 the catalogue as a file (Content-Disposition: attachment)',
            content: {
              'text/csv': { schema: csvAnswerSchema },
              [xlsxMediaType]: { schema: fileAnswerSchema },
              'application/ld+json': { schema: dcatSchema },
            },
          },
        },
        summary: '导出目录 export as CSV, XLSX (the import layout) or DCAT JSON-LD',
        description:
          'scope=region: the regional published catalogue; scope=own: this province’s own entries in every state (a publisher’s agency, or all for the admin).',
        querystring: searchFilters.extend({
          format: z.enum([...tableFormats, 'dcat']).default('csv'),
          scope: z.enum(['region', 'own']).default('region'),
        }),
      },
    },
    async (req, reply) => {
      const { format, scope, ...filters } = req.query;
      const entries =
        scope === 'own'
          ? await catalog.ownEntries(filters, requireRoles(req, 'publisher', 'admin'))
          : await catalog.list(filters);
      const now = clock().toISOString();
      const stamp = now.slice(0, 10);
      const name = `yrd-catalog-${province}-${scope}-${stamp}`;
      if (format === 'dcat') {
        reply
          .type('application/ld+json; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}.jsonld"`);
        // configured, not read from Host/X-Forwarded-*: a caller must not choose where the links point
        return toDcat(entries, { baseUrl: publicBaseUrl(), province, issuedAt: now });
      }
      const rows = [columns.map((c) => c.header), ...entries.flatMap(entryRows)];
      reply.type(mediaTypes[format]).header('content-disposition', `attachment; filename="${name}.${format}"`);
      return writeTableFile(format, rows);
    },
  );
}
