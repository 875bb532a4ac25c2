import { Space, Typography } from 'antd';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import type { DataItem } from '../catalog/types';
import { isItemType } from '../vocabulary';
import { GradeTag } from './GradeTag';
import { PersonalInfoTag } from './PersonalInfoTag';
import { TermTag } from './TermTag';

// A plain table: an entry has tens of items, shown whole; antd's Table (sorting, filters, paging)
// would more than double the code of the entry page for none of that.
const cell: CSSProperties = { padding: '8px 12px', borderBottom: '1px solid #f0f0f0', textAlign: 'start' };
const head: CSSProperties = { ...cell, background: '#fafafa', fontWeight: 600, whiteSpace: 'nowrap' };

/** 信息项: an entry's data items with their grades and personal-information labels. */
export function DataItemTable({ items, keyItems }: { items: readonly DataItem[]; keyItems: readonly string[] }) {
  const { t } = useTranslation();
  return (
    <div style={{ overflowX: 'auto' }}>
      <table style={{ borderCollapse: 'collapse', width: '100%' }}>
        <thead>
          <tr>
            <th scope="col" style={head}>
              {t('item.label')}
            </th>
            <th scope="col" style={head}>
              {t('item.name')}
            </th>
            <th scope="col" style={head}>
              {t('item.type')}
            </th>
            <th scope="col" style={head}>
              {t('item.grade')}
            </th>
            <th scope="col" style={head}>
              {t('item.personal')}
            </th>
            <th scope="col" style={head}>
              {t('item.description')}
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((it) => (
            <tr key={it.name}>
              <th scope="row" style={{ ...cell, fontWeight: 400 }}>
                <Space size={4} wrap>
                  <span>{it.label}</span>
                  {keyItems.includes(it.name) && <TermTag tone="blue">{t('item.key')}</TermTag>}
                </Space>
              </th>
              <td style={cell}>
                <Typography.Text code style={{ whiteSpace: 'nowrap' }}>
                  {it.name}
                </Typography.Text>
              </td>
              <td style={cell}>{isItemType(it.type) ? t(`itemType.${it.type}`) : it.type}</td>
              <td style={cell}>
                <GradeTag grade={it.grade} subLevel={it.subLevel} />
              </td>
              <td style={cell}>
                <PersonalInfoTag personal={it.personalInfo} sensitive={it.sensitivePersonalInfo} />
              </td>
              <td style={cell}>{it.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
