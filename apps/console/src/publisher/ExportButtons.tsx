import { useMutation } from '@tanstack/react-query';
import { Button, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/client';
import { ProblemAlert } from '../components/ProblemAlert';
import { downloadOwnEntries } from './download';
import type { ExportFormat } from './types';

const formats: { format: ExportFormat; label: string }[] = [
  { format: 'csv', label: 'CSV' },
  { format: 'xlsx', label: 'XLSX' },
  { format: 'dcat', label: 'DCAT' },
];

/** 导出: the agency's own entries in every state, as CSV or XLSX (the import layout) or DCAT JSON-LD. */
export function ExportButtons({ only }: { only?: readonly ExportFormat[] }) {
  const { t } = useTranslation();
  const api = useApi();
  const download = useMutation({ mutationFn: (format: ExportFormat) => downloadOwnEntries(api, format) });
  return (
    <Space orientation="vertical" size={8}>
      <Space.Compact>
        {formats
          .filter((f) => !only || only.includes(f.format))
          .map((f) => (
            <Button
              key={f.format}
              loading={download.isPending && download.variables === f.format}
              onClick={() => download.mutate(f.format)}
            >
              {t('publisher.entries.exportAs', { format: f.label })}
            </Button>
          ))}
      </Space.Compact>
      {download.error && <ProblemAlert error={download.error} />}
    </Space>
  );
}
