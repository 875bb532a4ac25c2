import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { unwrap, useApi } from '../api/client';
import { ProblemAlert } from '../components/ProblemAlert';
import { TermTag } from '../components/TermTag';
import { formatDateTime, useLanguage } from '../i18n';
import { MaskedRecords } from './MaskedRecords';
import type { FeedEvent, Subscription } from './types';

/** How often the page asks for new events while the subscription runs. */
const pollMs = 1500;

/**
 * The change events of one subscription as they arrive: the page asks for those after the last
 * cursor every 1.5 s and puts the new ones on top; values are masked as the subscription says.
 */
export function SubscriptionEvents({ subscription: s, onClose }: { subscription: Subscription; onClose: () => void }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const api = useApi();
  const queryClient = useQueryClient();
  const [cursor, setCursor] = useState('');
  const [events, setEvents] = useState<FeedEvent[]>([]);

  const page = useQuery({
    queryKey: ['subscription-events', s.id, cursor],
    gcTime: 0,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/exchange/v1/subscriptions/{id}/events', {
          params: { path: { id: s.id }, query: cursor ? { after: cursor } : {} },
          signal,
        }),
      ),
    refetchInterval: (q) => (q.state.data?.status === 'ended' ? false : pollMs),
  });
  const resource = useQuery({
    queryKey: ['exchange-resource', s.resourceId],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/catalog/v1/resources/{id}', { params: { path: { id: s.resourceId } }, signal })),
  });

  const data = page.data;
  useEffect(() => {
    if (!data) return;
    if (data.events.length > 0) {
      setEvents((shown) => {
        const seen = new Set(shown.map((e) => e.cursor));
        const fresh = data.events.filter((e) => !seen.has(e.cursor)).reverse();
        return fresh.length > 0 ? [...fresh, ...shown] : shown;
      });
    }
    if (data.next && data.next !== cursor) setCursor(data.next);
  }, [data, cursor]);
  // the feed says the subscription ended (e.g. its grant was revoked): the list shows it too
  const status = data?.status ?? s.status;
  useEffect(() => {
    if (status !== s.status) void queryClient.invalidateQueries({ queryKey: ['subscriptions'] });
  }, [status, s.status, queryClient]);

  const labelOf = (item: string) => resource.data?.items.find((i) => i.name === item)?.label ?? item;
  const byCursor = new Map(events.map((e) => [e.cursor, e]));
  const live = status !== 'ended';
  return (
    <Card
      size="small"
      data-testid="subscription-events"
      title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('exchange.subscriptions.events', { id: s.id })}</h2>}
      extra={<Button onClick={onClose}>{t('common.close')}</Button>}
    >
      <Space orientation="vertical" size="small" style={{ width: '100%' }}>
        <Space size={8} wrap>
          <TermTag tone={live ? 'green' : 'grey'}>
            {live ? t('exchange.subscriptions.live') : t('exchange.subscriptions.stopped')}
          </TermTag>
          <Typography.Text aria-live="polite" data-testid="events-count">
            {t('exchange.subscriptions.eventsCount', { count: events.length })}
          </Typography.Text>
        </Space>
        {page.error && <ProblemAlert error={page.error} onRetry={() => void page.refetch()} />}
        <MaskedRecords
          label={t('exchange.subscriptions.events', { id: s.id })}
          items={s.items}
          masking={s.masking}
          records={events.map((e) => ({ key: e.cursor, fields: e.fields }))}
          labelOf={labelOf}
          lead={[
            {
              key: 'receivedAt',
              title: t('exchange.subscriptions.receivedAt'),
              render: (c) => {
                const e = byCursor.get(c);
                return e ? (
                  <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.receivedAt, language)}</span>
                ) : null;
              },
            },
            {
              key: 'event',
              title: t('exchange.subscriptions.event'),
              render: (c) => (
                <Typography.Text code style={{ whiteSpace: 'nowrap' }}>
                  {byCursor.get(c)?.id}
                </Typography.Text>
              ),
            },
          ]}
          emptyText={t('exchange.subscriptions.noEvents')}
        />
      </Space>
    </Card>
  );
}
