import { useTranslation } from 'react-i18next';
import { isGrade } from '../vocabulary';
import { TermTag, type Tone } from './TermTag';

const toneOf = { core: 'red', important: 'orange', general: 'blue' } as const satisfies Record<string, Tone>;

/** 分级: core 核心 · important 重要 · general 一般 (with its sub-level 1–4 when an item has one). */
export function GradeTag({ grade, subLevel = 0 }: { grade: string; subLevel?: number }) {
  const { t } = useTranslation();
  if (!isGrade(grade)) return <TermTag tone="grey">{grade}</TermTag>;
  const label =
    grade === 'general' && subLevel > 0 ? t('grade.generalLevel', { level: subLevel }) : t(`grade.${grade}`);
  return (
    <TermTag tone={toneOf[grade]} title={t('grade.label')}>
      {label}
    </TermTag>
  );
}
