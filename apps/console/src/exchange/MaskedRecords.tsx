import { Space, Table, Typography } from 'antd';
import type { ReactNode } from 'react';
import { MaskedTag, MaskingRuleText } from './MaskedTag';
import { isMasked } from './types';

/**
 * Records as the provider released them: one column per item (its label and name), the masked items
 * marked in the header with their rule and at each value with 已脱敏.
 */
export function MaskedRecords({
  label,
  items,
  masking,
  records,
  labelOf,
  lead = [],
  emptyText,
}: {
  label: string;
  items: readonly string[];
  masking: Readonly<Record<string, string>>;
  records: readonly { key: string; fields: Readonly<Record<string, string>> }[];
  labelOf: (item: string) => string;
  /** columns before the items (e.g. when an event arrived) */
  lead?: { key: string; title: string; render: (key: string) => ReactNode }[];
  emptyText: string;
}) {
  const columns = [
    ...lead.map((c) => ({
      key: c.key,
      title: c.title,
      render: (_: unknown, r: { key: string }) => c.render(r.key),
    })),
    ...items.map((item) => ({
      key: item,
      title: (
        <Space orientation="vertical" size={0}>
          <span>{labelOf(item)}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }}>
            {item}
          </Typography.Text>
          {isMasked(masking, item) && (
            <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }}>
              <MaskingRuleText rule={masking[item] ?? 'redact'} />
            </Typography.Text>
          )}
        </Space>
      ),
      render: (_: unknown, r: { fields: Readonly<Record<string, string>> }) => {
        const value = r.fields[item];
        if (value === undefined) return <Typography.Text type="secondary">—</Typography.Text>;
        return isMasked(masking, item) ? (
          <Space size={4} wrap={false}>
            <span style={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }}>{value}</span>
            <MaskedTag rule={masking[item] ?? 'redact'} />
          </Space>
        ) : (
          <span style={{ whiteSpace: 'nowrap' }}>{value}</span>
        );
      },
    })),
  ];
  // a wide record scrolls sideways in a region the keyboard can reach (WCAG 2.1.1)
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable to scroll by keyboard
    <section aria-label={label} tabIndex={0} style={{ overflowX: 'auto' }}>
      <Table
        size="small"
        rowKey="key"
        aria-label={label}
        pagination={false}
        dataSource={[...records]}
        columns={columns}
        locale={{ emptyText }}
      />
    </section>
  );
}
