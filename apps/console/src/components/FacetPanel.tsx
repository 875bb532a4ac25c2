import { Button, Card, Radio, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { type FacetName, facetNames, type SearchFilters } from '../catalog/search-params';
import type { FacetCount, Facets } from '../catalog/types';
import { isGrade, isTier } from '../vocabulary';
import { provinceLabel } from './ProvinceName';

/**
 * The facets of a catalogue search (province, agency, domain, sharing tier, open tier, grade), each
 * value with how many entries match it under the other filters. One value per facet; 全部 clears it.
 */
export function FacetPanel({
  facets,
  selected,
  onChange,
  onClear,
}: {
  facets: Facets | undefined;
  selected: SearchFilters;
  onChange: (facet: FacetName, value: string | undefined) => void;
  onClear: () => void;
}) {
  const { t } = useTranslation();
  const label = useFacetLabel();
  const any = Object.keys(selected).length > 0;
  return (
    <Card
      size="small"
      title={<h2 style={{ fontSize: 15, margin: 0 }}>{t('facet.title')}</h2>}
      extra={
        any ? (
          <Button size="small" type="link" onClick={onClear}>
            {t('facet.clear')}
          </Button>
        ) : undefined
      }
    >
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        {facetNames.map((facet) => {
          // an empty value (an entry without a domain) cannot be searched for on its own
          const counts: FacetCount[] = (facets?.[facet] ?? []).filter((c) => c.value !== '');
          const value = selected[facet];
          if (counts.length === 0 && !value) return null;
          const headingId = `facet-${facet}`;
          return (
            <section key={facet} aria-labelledby={headingId}>
              <Typography.Title level={3} id={headingId} style={{ fontSize: 14, marginBottom: 6 }}>
                {t(`facet.${facet}`)}
              </Typography.Title>
              <Radio.Group
                aria-labelledby={headingId}
                value={value ?? ''}
                onChange={(e) => onChange(facet, e.target.value === '' ? undefined : String(e.target.value))}
                style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
                options={[
                  { value: '', label: t('facet.all') },
                  ...counts.map((c) => ({ value: c.value, label: `${label(facet, c)} (${c.count})` })),
                ]}
              />
            </section>
          );
        })}
      </Space>
    </Card>
  );
}

/** A facet value in the user's language: the platform's words translated, agencies by name. */
function useFacetLabel() {
  const { t } = useTranslation();
  return (facet: FacetName, c: FacetCount): string => {
    switch (facet) {
      case 'province':
        return provinceLabel(t, c.value);
      case 'sharing':
        return isTier(c.value) ? t(`tier.${c.value}`) : c.value;
      case 'open':
        return isTier(c.value) ? t(`openTier.${c.value}`) : c.value;
      case 'grade':
        return isGrade(c.value) ? t(`grade.${c.value}`) : c.value;
      case 'agency':
        return c.label || c.value;
      case 'domain':
        return c.value;
    }
  };
}
