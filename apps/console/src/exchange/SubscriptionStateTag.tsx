import { useTranslation } from 'react-i18next';
import { TermTag } from '../components/TermTag';
import { type SubscriptionState, subscriptionStates } from './types';

const isState = (s: string): s is SubscriptionState => (subscriptionStates as readonly string[]).includes(s);

/** 开通中 / 生效中 / 已结束. */
export function SubscriptionStateTag({ state }: { state: string }) {
  const { t } = useTranslation();
  const tone = state === 'active' ? 'green' : state === 'pending' ? 'orange' : 'grey';
  return <TermTag tone={tone}>{isState(state) ? t(`exchange.subscriptions.state.${state}`) : state}</TermTag>;
}
