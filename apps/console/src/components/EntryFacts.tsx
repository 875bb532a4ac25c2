import { Descriptions, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Entry } from '../catalog/types';
import { formatDateTime, formatDay, useLanguage } from '../i18n';
import { GradeTag } from './GradeTag';
import { provinceLabel } from './ProvinceName';
import { SharingModeTags } from './SharingModeTags';
import { SharingTierTag } from './SharingTierTag';

/**
 * What a catalogue entry says about itself (GB/T 21063): codes, provider, terms of sharing. The
 * sharing conditions show for a shared entry, the legal basis for one not shared (不予共享).
 */
export function EntryFacts({ entry: e }: { entry: Entry }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const none = t('common.none');
  const items = [
    {
      key: 'resourceCode',
      label: t('resource.resourceCode'),
      children: <Typography.Text code>{e.resourceCode}</Typography.Text>,
    },
    {
      key: 'classCode',
      label: t('resource.classCode'),
      children: <Typography.Text code>{e.classCode}</Typography.Text>,
    },
    {
      key: 'provider',
      label: t('resource.provider'),
      children: (
        <>
          {e.provider?.name ?? ''}{' '}
          {e.provider?.creditCode && <Typography.Text type="secondary">（{e.provider.creditCode}）</Typography.Text>}
        </>
      ),
    },
    {
      key: 'province',
      label: t('resource.province'),
      children: provinceLabel(t, e.province),
    },
    { key: 'domain', label: t('resource.domain'), children: e.domain || none },
    { key: 'grade', label: t('resource.grade'), children: <GradeTag grade={e.grade} /> },
    { key: 'sharingTier', label: t('resource.sharingTier'), children: <SharingTierTag tier={e.sharingTier} /> },
    { key: 'openTier', label: t('resource.openTier'), children: <SharingTierTag tier={e.openTier} open /> },
    { key: 'sharingModes', label: t('resource.sharingModes'), children: <SharingModeTags modes={e.sharingModes} /> },
    ...(e.sharingTier === 'none'
      ? [
          {
            key: 'legalBasis',
            label: t('resource.legalBasis'),
            span: 'filled' as const,
            children: e.legalBasis || t('resource.legalBasisMissing'),
          },
        ]
      : [
          {
            key: 'sharingConditions',
            label: t('resource.sharingConditions'),
            span: 'filled' as const,
            children: e.sharingConditions || none,
          },
        ]),
    { key: 'format', label: t('resource.format'), children: e.format || none },
    { key: 'updateCycle', label: t('resource.updateCycle'), children: e.updateCycle || none },
    {
      key: 'publishDate',
      label: t('resource.publishDate'),
      children: e.publishDate ? formatDay(e.publishDate, language) : none,
    },
    {
      key: 'updatedAt',
      label: t('resource.updatedAt'),
      children: e.updatedAt ? formatDateTime(e.updatedAt, language) : none,
    },
    {
      key: 'keyItems',
      label: t('resource.keyItems'),
      children:
        e.keyItems.length > 0
          ? e.keyItems.map((k) => (
              <Typography.Text code key={k}>
                {k}
              </Typography.Text>
            ))
          : none,
    },
    {
      key: 'relatedResources',
      label: t('resource.relatedResources'),
      children:
        e.relatedResources.length > 0 ? (
          <Space wrap>
            {e.relatedResources.map((id) => (
              <Link key={id} to={`/catalog/${encodeURIComponent(id)}`}>
                {id}
              </Link>
            ))}
          </Space>
        ) : (
          none
        ),
    },
  ];
  return (
    <Descriptions
      bordered
      size="small"
      column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 3 }}
      styles={{ label: { whiteSpace: 'nowrap' } }}
      items={items}
    />
  );
}
