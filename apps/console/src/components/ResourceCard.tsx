import { Card, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CatalogEntry } from '../catalog/types';
import { formatDay, useLanguage } from '../i18n';
import { GradeTag } from './GradeTag';
import { provinceLabel } from './ProvinceName';
import { SharingTierTag } from './SharingTierTag';
import { TermTag } from './TermTag';

const twoLines = {
  marginBottom: 0,
  display: '-webkit-box',
  WebkitLineClamp: 2,
  WebkitBoxOrient: 'vertical',
  overflow: 'hidden',
} as const;

/** One catalogue entry in a result list: what it is, who provides it, and on what terms. */
export function ResourceCard({ resource: r }: { resource: CatalogEntry }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const personal = r.items.filter((i) => i.personalInfo || i.sensitivePersonalInfo).length;
  return (
    <Card size="small" style={{ width: '100%' }}>
      <article aria-labelledby={`entry-${r.id}`}>
        <Space orientation="vertical" size={4} style={{ width: '100%' }}>
          <Typography.Title level={3} id={`entry-${r.id}`} style={{ fontSize: 16, margin: 0 }}>
            <Link to={`/catalog/${encodeURIComponent(r.id)}`}>{r.name}</Link>
          </Typography.Title>
          <Space size={[0, 4]} wrap>
            <TermTag tone="grey">{provinceLabel(t, r.province)}</TermTag>
            <SharingTierTag tier={r.sharingTier} />
            <SharingTierTag tier={r.openTier} open />
            <GradeTag grade={r.grade} />
            {personal > 0 && <TermTag tone="purple">{t('resource.personalCount', { count: personal })}</TermTag>}
          </Space>
          <Typography.Text>
            {r.provider?.name ?? ''} · <Typography.Text code>{r.resourceCode}</Typography.Text>
            {r.domain ? ` · ${r.domain}` : ''}
          </Typography.Text>
          {r.summary && (
            // two lines at most, cut by the browser (CSS line clamp): antd's measured ellipsis renders
            // each summary twice, a fifth of the first screen's render
            <Typography.Paragraph style={twoLines} title={r.summary}>
              {r.summary}
            </Typography.Paragraph>
          )}
          <Typography.Text type="secondary">
            {t('resource.itemsCount', { count: r.items.length })}
            {r.publishDate ? ` · ${t('resource.publishDate')} ${formatDay(r.publishDate, language)}` : ''}
          </Typography.Text>
        </Space>
      </article>
    </Card>
  );
}
