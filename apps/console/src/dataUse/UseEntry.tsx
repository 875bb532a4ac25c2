import { Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { provinceLabel } from '../components/ProvinceName';
import { TermTag, type Tone } from '../components/TermTag';
import { formatDateTime, useLanguage } from '../i18n';
import { isProvince } from '../vocabulary';
import { type DataUseLine, refusalReasonOf, useModeOf } from './types';

/** What the page found out about the names in a line: the catalogue's and the person's own consents. */
export interface UseNames {
  /** resource id → its name and its items' labels */
  resources: ReadonlyMap<string, { name: string; labels: ReadonlyMap<string, string> }>;
  /** credit code → agency name */
  agencies: ReadonlyMap<string, string>;
  /** consent id → the purpose the person consented to */
  purposes: ReadonlyMap<string, string>;
}

const tone: Record<DataUseLine['outcome'], Tone> = { allowed: 'green', refused: 'red', failed: 'grey' };

/**
 * One exchange that named the person, in a sentence: "2026年12月5日 10:32 上海市大数据中心 查询了
 * 浙里办场馆预约记录 中的 预约号、场馆", then its purpose and basis, the refusal's reason, the request
 * id and the provinces whose logs hold it.
 */
export function UseEntry({ line, names }: { line: DataUseLine; names: UseNames }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const province = isProvince(line.requesterProvince)
    ? t(`province.${line.requesterProvince}`)
    : line.requesterProvince;
  const who =
    names.agencies.get(line.requesterAgency) ??
    t('dataUse.someAgency', { province, code: line.requesterAgency || '—' });
  const resource = names.resources.get(line.resourceId);
  const separator = language === 'zh-CN' ? '、' : ', ';
  const resourceName = resource?.name || line.resourceId;
  const sentence = t(`dataUse.sentence.${line.outcome}.${useModeOf(line.mode)}`, {
    who,
    what:
      line.items.length > 0
        ? t('dataUse.what.items', {
            resource: resourceName,
            items: line.items.map((i) => resource?.labels.get(i) || i).join(separator),
          })
        : t('dataUse.what.all', { resource: resourceName }),
  });
  const purpose = line.consentId ? names.purposes.get(line.consentId) : undefined;
  const basis = line.consentId
    ? line.grantId
      ? t('dataUse.basis.both', { grantId: line.grantId })
      : t('dataUse.basis.consent')
    : line.grantId
      ? t('dataUse.basis.grant', { grantId: line.grantId })
      : line.outcome === 'allowed'
        ? t('dataUse.basis.none')
        : undefined;
  const reason = refusalReasonOf(line.code);
  const provinces = line.recordedBy.map((p) => provinceLabel(t, p)).join(separator);

  return (
    <article aria-label={sentence} data-testid="data-use-entry">
      <Space orientation="vertical" size={2} style={{ width: '100%' }}>
        <Space wrap size="small">
          <time dateTime={line.occurredAt}>
            <Typography.Text strong>{formatDateTime(line.occurredAt, language)}</Typography.Text>
          </time>
          <TermTag tone={tone[line.outcome]}>{t(`dataUse.outcome.${line.outcome}`)}</TermTag>
        </Space>
        <Typography.Text>{sentence}</Typography.Text>
        {(purpose || basis) && (
          <Typography.Text>
            {purpose && basis
              ? t('dataUse.purposeWithBasis', { purpose, basis })
              : purpose
                ? t('dataUse.purpose', { purpose })
                : basis}
          </Typography.Text>
        )}
        {line.outcome === 'refused' && (
          <Typography.Text>
            {t('dataUse.reasonLabel', {
              reason:
                reason === 'other' ? t('dataUse.reason.other', { code: line.code }) : t(`dataUse.reason.${reason}`),
            })}
          </Typography.Text>
        )}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('dataUse.requestId', { requestId: line.requestId })} · {t('dataUse.recordedBy', { provinces })}
        </Typography.Text>
      </Space>
    </article>
  );
}
