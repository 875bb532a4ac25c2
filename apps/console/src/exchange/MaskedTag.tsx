import { useTranslation } from 'react-i18next';
import { TermTag } from '../components/TermTag';
import { isMaskingRule } from './types';

/** 已脱敏: marks a value (or a column of values) the provider masked, with the rule it applied. */
export function MaskedTag({ rule }: { rule: string }) {
  const { t } = useTranslation();
  const ruleName = isMaskingRule(rule) ? t(`exchange.masking.rules.${rule}`) : rule;
  const title = t('exchange.masking.rule', { rule: ruleName });
  return (
    <span data-testid="masked" data-rule={rule}>
      <TermTag tone="orange" title={title}>
        {t('exchange.masking.masked')}
      </TermTag>
    </span>
  );
}

/** The rule in words, for a column header: 脱敏规则：姓名（保留姓氏）. */
export function MaskingRuleText({ rule }: { rule: string }) {
  const { t } = useTranslation();
  const ruleName = isMaskingRule(rule) ? t(`exchange.masking.rules.${rule}`) : rule;
  return <>{t('exchange.masking.rule', { rule: ruleName })}</>;
}
