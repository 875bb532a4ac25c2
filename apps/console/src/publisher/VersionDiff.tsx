import { useQuery } from '@tanstack/react-query';
import { Alert, Space, Spin, Table, Typography } from 'antd';
import type { TFunction } from 'i18next';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { unwrap, useApi } from '../api/client';
import { ProblemAlert } from '../components/ProblemAlert';
import { isGrade, isItemType, isPiiKind, isSharingMode, isTier } from '../vocabulary';
import {
  diffEntries,
  type EntryField,
  type FieldChange,
  type ItemChange,
  type ItemColumn,
  type Value,
} from './entryDiff';

const fieldLabels: Record<EntryField, (t: TFunction) => string> = {
  name: (t) => t('publisher.entries.name'),
  classCode: (t) => t('resource.classCode'),
  provider: (t) => t('resource.provider'),
  summary: (t) => t('resource.summary'),
  domain: (t) => t('resource.domain'),
  format: (t) => t('resource.format'),
  updateCycle: (t) => t('resource.updateCycle'),
  publishDate: (t) => t('resource.publishDate'),
  relatedResources: (t) => t('resource.relatedResources'),
  sharingTier: (t) => t('resource.sharingTier'),
  sharingModes: (t) => t('resource.sharingModes'),
  sharingConditions: (t) => t('resource.sharingConditions'),
  legalBasis: (t) => t('resource.legalBasis'),
  openTier: (t) => t('resource.openTier'),
  grade: (t) => t('resource.grade'),
  keyItems: (t) => t('resource.keyItems'),
};

const columnLabels: Record<ItemColumn, (t: TFunction) => string> = {
  label: (t) => t('item.label'),
  type: (t) => t('item.type'),
  description: (t) => t('item.description'),
  grade: (t) => t('item.grade'),
  subLevel: (t) => t('publisher.form.subLevel'),
  personalInfo: (t) => t('item.personal'),
  sensitivePersonalInfo: (t) => t('publisher.form.sensitive'),
  piiKind: (t) => t('publisher.form.piiKind'),
};

// colours with enough contrast on their tint (WCAG AA), as TermTag's
const removed: CSSProperties = { color: '#a8071a', background: '#fff1f0', padding: '0 2px' };
const added: CSSProperties = { color: '#237804', background: '#f6ffed', padding: '0 2px', textDecoration: 'none' };

/** A stored value in words: the label of a coded value, lists joined, nothing as a dash. */
function shown(t: TFunction, what: EntryField | ItemColumn, v: Value): string {
  if (Array.isArray(v)) {
    const words = v.map((x) => (what === 'sharingModes' && isSharingMode(x) ? t(`mode.${x}`) : x));
    return words.length > 0 ? words.join('、') : t('publisher.history.empty');
  }
  if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
  if (typeof v === 'number') return String(v);
  const s = v as string;
  if (s === '') return t('publisher.history.empty');
  if (what === 'sharingTier' && isTier(s)) return t(`tier.${s}`);
  if (what === 'openTier' && isTier(s)) return t(`openTier.${s}`);
  if (what === 'grade' && isGrade(s)) return t(`grade.${s}`);
  if (what === 'type' && isItemType(s)) return t(`itemType.${s}`);
  if (what === 'piiKind' && isPiiKind(s)) return t(`publisher.pii.${s}`);
  return s;
}

/** What version `version` changed from the one before, field by field and data item by data item. */
export function VersionDiff({ id, version }: { id: string; version: number }) {
  const { t } = useTranslation();
  const api = useApi();
  const versionQuery = (v: number) => ({
    queryKey: ['catalog-entry', id, 'version', v],
    queryFn: ({ signal }: { signal: AbortSignal }) =>
      unwrap(
        api.GET('/api/catalog/v1/resources/{id}/versions/{version}', { params: { path: { id, version: v } }, signal }),
      ),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const after = useQuery(versionQuery(version));
  const before = useQuery({ ...versionQuery(version - 1), enabled: version > 1 });

  if (version <= 1) return <Typography.Text type="secondary">{t('publisher.history.firstVersion')}</Typography.Text>;
  const error = after.error ?? before.error;
  if (error) return <ProblemAlert error={error} />;
  if (!after.data || !before.data) return <Spin aria-label={t('common.loading')} />;
  const diff = diffEntries(before.data, after.data);
  if (diff.fields.length === 0 && diff.items.length === 0)
    return <Alert type="info" showIcon title={t('publisher.history.noChange')} />;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {diff.fields.length > 0 && (
        <Table<FieldChange>
          size="small"
          rowKey="field"
          pagination={false}
          dataSource={diff.fields}
          aria-label={t('publisher.history.version', { version })}
          data-testid={`diff-${version}`}
          columns={[
            {
              title: t('publisher.history.field'),
              dataIndex: 'field',
              width: 160,
              render: (f: EntryField) => fieldLabels[f](t),
            },
            {
              title: t('publisher.history.before'),
              key: 'before',
              render: (_: unknown, c) => <del style={removed}>{shown(t, c.field, c.before)}</del>,
            },
            {
              title: t('publisher.history.after'),
              key: 'after',
              render: (_: unknown, c) => <ins style={added}>{shown(t, c.field, c.after)}</ins>,
            },
          ]}
        />
      )}
      {diff.items.length > 0 && (
        <Table<ItemChange>
          size="small"
          rowKey={(c) => `${c.kind} ${c.name}`}
          pagination={false}
          dataSource={diff.items}
          aria-label={t('publisher.history.itemsChanged')}
          data-testid={`item-diff-${version}`}
          title={() => <Typography.Text strong>{t('publisher.history.itemsChanged')}</Typography.Text>}
          columns={[
            {
              title: t('item.name'),
              dataIndex: 'name',
              width: 160,
              render: (n: string) => <Typography.Text code>{n}</Typography.Text>,
            },
            {
              title: t('publisher.history.change'),
              key: 'kind',
              width: 100,
              render: (_: unknown, c) =>
                c.kind === 'added'
                  ? t('publisher.history.itemAdded')
                  : c.kind === 'removed'
                    ? t('publisher.history.itemRemoved')
                    : t('publisher.history.itemChanged'),
            },
            {
              title: `${t('publisher.history.before')} → ${t('publisher.history.after')}`,
              key: 'change',
              render: (_: unknown, c) => <ItemChangeText change={c} />,
            },
          ]}
        />
      )}
    </Space>
  );
}

function ItemChangeText({ change: c }: { change: ItemChange }) {
  const { t } = useTranslation();
  if (c.kind !== 'changed') {
    const text = `${c.item.label} · ${shown(t, 'grade', c.item.grade)} · ${shown(t, 'type', c.item.type)}`;
    return c.kind === 'added' ? <ins style={added}>{text}</ins> : <del style={removed}>{text}</del>;
  }
  return (
    <Space orientation="vertical" size={0}>
      {c.columns.map((col) => (
        <span key={col.column}>
          {columnLabels[col.column](t)}：<del style={removed}>{shown(t, col.column, col.before)}</del> →{' '}
          <ins style={added}>{shown(t, col.column, col.after)}</ins>
        </span>
      ))}
    </Space>
  );
}
