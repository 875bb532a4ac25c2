import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Breadcrumb, Button, Card, Progress, Space, Table, Typography, Upload } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { unwrap, useApi } from '../api/client';
import { detailFor } from '../api/detail';
import { PageTitle } from '../components/PageTitle';
import { ProblemAlert } from '../components/ProblemAlert';
import { useLanguage } from '../i18n';
import { ExportButtons } from './ExportButtons';
import { formatOfFile, importPercent, isFinished } from './importProgress';
import type { ImportError, ImportJob } from './types';

const size = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`);

/**
 * 批量导入: a CSV or XLSX file in the import layout is uploaded, and the job is followed until it ends
 * — a progress bar through reading, checking and writing, then what was created and updated, or the
 * errors by row and column (nothing is written unless every row passes: the catalogue's rule).
 */
export default function ImportPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const api = useApi();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File>();
  const [jobId, setJobId] = useState<string>();
  const format = file ? formatOfFile(file.name) : undefined;

  const start = useMutation({
    mutationFn: (f: File) =>
      unwrap(
        api.POST('/api/catalog/v1/imports', {
          params: { query: { format: formatOfFile(f.name) ?? 'csv' } },
          // the document types a file body as its bytes in a string; the browser sends the File itself
          body: f as unknown as string,
          bodySerializer: (body) => body,
          headers: { 'content-type': 'application/octet-stream' },
        }),
      ),
    onSuccess: (job) => {
      queryClient.setQueryData(['import', job.id], job);
      setJobId(job.id);
    },
  });
  const job = useQuery({
    queryKey: ['import', jobId],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/catalog/v1/imports/{id}', { params: { path: { id: jobId ?? '' } }, signal })),
    enabled: jobId !== undefined,
    staleTime: 0,
    refetchInterval: (q) => (isFinished(q.state.data) ? false : 400),
  });
  const j = job.data;
  const finishedStatus = isFinished(j) ? j?.status : undefined;
  useEffect(() => {
    // the entries just imported are in my entries from now on
    if (finishedStatus === 'done') void queryClient.invalidateQueries({ queryKey: ['own-entries'] });
  }, [finishedStatus, queryClient]);

  const restart = () => {
    setFile(undefined);
    setJobId(undefined);
    start.reset();
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageTitle>{t('publisher.import.title')}</PageTitle>
      <Breadcrumb
        items={[
          { title: <Link to="/my/entries">{t('publisher.entries.title')}</Link> },
          { title: t('publisher.import.title') },
        ]}
      />
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        {t('publisher.import.title')}
      </Typography.Title>
      <Typography.Paragraph style={{ margin: 0 }}>{t('publisher.import.intro')}</Typography.Paragraph>
      <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('publisher.import.template')}</h2>}>
        <Space orientation="vertical" size={8}>
          <Typography.Text type="secondary">{t('publisher.import.templateHint')}</Typography.Text>
          <ExportButtons only={['csv', 'xlsx']} />
        </Space>
      </Card>
      <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('publisher.import.choose')}</h2>}>
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          {!jobId && (
            <Upload.Dragger
              accept=".csv,.xlsx"
              maxCount={1}
              showUploadList={false}
              beforeUpload={(f) => {
                setFile(f);
                start.reset();
                return false;
              }}
            >
              <p style={{ margin: '12px 0' }}>{t('publisher.import.drop')}</p>
            </Upload.Dragger>
          )}
          {file && (
            <Typography.Text data-testid="chosen-file">
              {t('publisher.import.chosen', { name: file.name, size: size(file.size) })}
            </Typography.Text>
          )}
          {file && !format && <Alert type="warning" showIcon title={t('publisher.import.unsupported')} />}
          <Space>
            {!jobId && (
              <Button
                type="primary"
                disabled={!file || !format}
                loading={start.isPending}
                onClick={() => file && start.mutate(file)}
              >
                {t('publisher.import.start')}
              </Button>
            )}
            {isFinished(j) && <Button onClick={restart}>{t('publisher.import.again')}</Button>}
          </Space>
          {start.error && <ProblemAlert error={start.error} />}
        </Space>
      </Card>
      {j && <JobProgress job={j} />}
      {job.error && <ProblemAlert error={job.error} onRetry={() => void job.refetch()} />}
      {j && j.errors.length > 0 && (
        <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('publisher.import.errors')}</h2>}>
          {j.errorCount > j.errors.length && (
            <Typography.Paragraph type="secondary">
              {t('publisher.import.moreErrors', { shown: j.errors.length, count: j.errorCount })}
            </Typography.Paragraph>
          )}
          <Table<ImportError>
            size="small"
            rowKey={(e) => `${e.row} ${e.column} ${e.code} ${e.message}`}
            dataSource={j.errors}
            pagination={j.errors.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
            aria-label={t('publisher.import.errors')}
            data-testid="import-errors"
            columns={[
              {
                title: t('publisher.import.row'),
                dataIndex: 'row',
                width: 80,
                render: (r: number) => (r > 0 ? r : '—'),
              },
              { title: t('publisher.import.column'), dataIndex: 'column', width: 180, render: (c: string) => c || '—' },
              {
                title: t('publisher.import.code'),
                dataIndex: 'code',
                width: 260,
                render: (c: string) => <Typography.Text code>{c}</Typography.Text>,
              },
              {
                title: t('publisher.import.message'),
                dataIndex: 'message',
                render: (m: string) => detailFor(m, language),
              },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}

function JobProgress({ job: j }: { job: ImportJob }) {
  const { t } = useTranslation();
  const percent = importPercent(j);
  return (
    <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('publisher.import.progress')}</h2>}>
      <Space orientation="vertical" size={8} style={{ width: '100%' }}>
        <Typography.Text strong data-testid="import-phase">
          {t(`publisher.import.phase.${j.status}`)}
        </Typography.Text>
        <Progress
          percent={percent}
          status={j.status === 'failed' ? 'exception' : j.status === 'done' ? 'success' : 'active'}
          aria-label={t('publisher.import.progress')}
        />
        <Typography.Text type="secondary">
          {t('publisher.import.counts', { rows: j.rows, entries: j.entries, checked: j.checked, written: j.written })}
        </Typography.Text>
        {j.status === 'done' && (
          <Alert
            type="success"
            showIcon
            data-testid="import-done"
            title={t('publisher.import.result', { created: j.created, updated: j.updated, unchanged: j.unchanged })}
          />
        )}
        {j.status === 'failed' && (
          <Alert
            type="error"
            showIcon
            data-testid="import-failed"
            title={t('publisher.import.failed', { count: j.errorCount })}
          />
        )}
      </Space>
    </Card>
  );
}
