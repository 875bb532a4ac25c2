import { Descriptions, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime, useLanguage } from '../i18n';
import { Hash, KindLabel, OutcomeTag, ProvinceName } from './labels';
import type { TracedRecord } from './verify';

/** Every field of an audit record, in plain labels: what its leaf hash covers, and the leaf hash. */
export function RecordFields({ record }: { record: TracedRecord }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const text = (v: string) => (v ? <Typography.Text>{v}</Typography.Text> : '—');
  return (
    <Descriptions
      data-testid="record-fields"
      size="small"
      bordered
      column={1}
      styles={{ label: { width: 200 } }}
      items={[
        { key: 'seq', label: t('auditor.field.seq'), children: record.seq },
        {
          key: 'occurredAt',
          label: t('auditor.field.occurredAt'),
          children: formatDateTime(record.occurredAt, language),
        },
        { key: 'kind', label: t('auditor.field.kind'), children: <KindLabel kind={record.kind} /> },
        { key: 'outcome', label: t('auditor.field.outcome'), children: <OutcomeTag outcome={record.outcome} /> },
        { key: 'code', label: t('auditor.field.code'), children: text(record.code) },
        { key: 'requestId', label: t('auditor.field.requestId'), children: text(record.requestId) },
        { key: 'resourceId', label: t('auditor.field.resourceId'), children: text(record.resourceId) },
        {
          key: 'items',
          label: t('auditor.field.items'),
          children: record.items.length ? record.items.join('、') : '—',
        },
        {
          key: 'province',
          label: t('auditor.field.province'),
          children: <ProvinceName province={record.province} />,
        },
        {
          key: 'requesterProvince',
          label: t('auditor.field.requesterProvince'),
          children: record.requesterProvince ? <ProvinceName province={record.requesterProvince} /> : '—',
        },
        {
          key: 'providerProvince',
          label: t('auditor.field.providerProvince'),
          children: record.providerProvince ? <ProvinceName province={record.providerProvince} /> : '—',
        },
        { key: 'actorAgency', label: t('auditor.field.actorAgency'), children: text(record.actorAgency) },
        { key: 'actorUser', label: t('auditor.field.actorUser'), children: text(record.actorUser) },
        { key: 'grantId', label: t('auditor.field.grantId'), children: text(record.grantId) },
        { key: 'consentId', label: t('auditor.field.consentId'), children: text(record.consentId) },
        { key: 'payloadHash', label: t('auditor.field.payloadHash'), children: <Hash value={record.payloadHash} /> },
        { key: 'subjectRef', label: t('auditor.field.subjectRef'), children: <Hash value={record.subjectRef} /> },
        ...(record.subjectRefKeyId
          ? [
              {
                key: 'subjectRefKeyId',
                label: t('auditor.field.subjectRefKeyId'),
                children: text(record.subjectRefKeyId),
              },
            ]
          : []),
        { key: 'eventId', label: t('auditor.field.eventId'), children: text(record.eventId) },
        { key: 'leafHash', label: t('auditor.field.leafHash'), children: <Hash value={record.leafHash} /> },
      ]}
    />
  );
}
