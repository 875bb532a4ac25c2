import { useTranslation } from 'react-i18next';
import { TermTag, type Tone } from '../components/TermTag';
import { type EntryStatus, isEntryStatus } from '../vocabulary';

const tones: Record<EntryStatus, Tone> = {
  draft: 'grey',
  submitted: 'orange',
  published: 'green',
  withdrawn: 'red',
};

/** An entry's state in the lifecycle: 草稿 → 待审核 → 已发布 → 已撤销. */
export function EntryStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  if (!isEntryStatus(status)) return <TermTag tone="grey">{status}</TermTag>;
  return <TermTag tone={tones[status]}>{t(`status.${status}`)}</TermTag>;
}
