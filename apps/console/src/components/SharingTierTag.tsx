import { useTranslation } from 'react-i18next';
import { isTier } from '../vocabulary';
import { TermTag, type Tone } from './TermTag';

const toneOf = { unconditional: 'green', conditional: 'gold', none: 'grey' } as const satisfies Record<string, Tone>;

/** 共享属性 (for government requesters) or, with `open`, 开放属性 (for enterprises and research). */
export function SharingTierTag({ tier, open = false }: { tier: string; open?: boolean }) {
  const { t } = useTranslation();
  if (!isTier(tier)) return <TermTag tone="grey">{tier}</TermTag>;
  return (
    <TermTag tone={toneOf[tier]} title={open ? t('resource.openTier') : t('resource.sharingTier')}>
      {open ? t(`openTier.${tier}`) : t(`tier.${tier}`)}
    </TermTag>
  );
}
