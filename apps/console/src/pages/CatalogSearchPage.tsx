import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Col, Empty, Input, Row, Space, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useApi } from '../api/client';
import { type CatalogSearch, pageSize, readSearch, withFacet, withText, writeSearch } from '../catalog/search-params';
import { catalogSearchQuery } from '../catalog/search-query';
import { FacetPanel } from '../components/FacetPanel';
import { Pager } from '../components/Pager';
import { PageTitle } from '../components/PageTitle';
import { ProblemAlert } from '../components/ProblemAlert';
import { ResourceCard } from '../components/ResourceCard';

/** 目录检索: the regional catalogue, searched in Chinese, narrowed by facets. */
export default function CatalogSearchPage() {
  const { t } = useTranslation();
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const search = readSearch(params);
  const go = (next: CatalogSearch) => setParams(writeSearch(next));

  const result = useQuery({ ...catalogSearchQuery(api, search), placeholderData: keepPreviousData });

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageTitle>{t('search.title')}</PageTitle>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        {t('search.title')}
      </Typography.Title>
      <search>
        <Input.Search
          key={search.q ?? ''}
          aria-label={t('search.title')}
          placeholder={t('search.placeholder')}
          defaultValue={search.q}
          enterButton={t('search.submit')}
          allowClear
          size="large"
          maxLength={100}
          onSearch={(q) => go(withText(search, q))}
        />
      </search>
      <Row gutter={[24, 24]}>
        <Col xs={24} md={8} lg={6}>
          <FacetPanel
            facets={result.data?.facets}
            selected={search.filters}
            onChange={(facet, value) => go(withFacet(search, facet, value))}
            onClear={() => go({ ...search, filters: {}, page: 1 })}
          />
        </Col>
        <Col xs={24} md={16} lg={18}>
          <section aria-labelledby="results-heading" aria-busy={result.isFetching}>
            <Space style={{ justifyContent: 'space-between', width: '100%', marginBottom: 12 }}>
              <Typography.Title level={2} id="results-heading" style={{ fontSize: 16, margin: 0 }}>
                {t('search.results')}
              </Typography.Title>
              {result.data && (
                <Typography.Text data-testid="result-total">
                  {t('search.total', { count: result.data.total })}
                </Typography.Text>
              )}
            </Space>
            {result.error ? (
              <ProblemAlert error={result.error} onRetry={() => void result.refetch()} />
            ) : result.isPending ? (
              <Spin aria-label={t('common.loading')} />
            ) : result.data.items.length === 0 ? (
              <Empty description={t('search.empty')} />
            ) : (
              <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
                <ol style={{ listStyle: 'none', margin: 0, padding: 0, display: 'grid', gap: 12 }}>
                  {result.data.items.map((r) => (
                    <li key={r.id}>
                      <ResourceCard resource={r} />
                    </li>
                  ))}
                </ol>
                <Pager
                  page={search.page}
                  pageSize={pageSize}
                  total={result.data.total}
                  onChange={(page) => go({ ...search, page })}
                />
              </Space>
            )}
          </section>
        </Col>
      </Row>
    </Space>
  );
}
