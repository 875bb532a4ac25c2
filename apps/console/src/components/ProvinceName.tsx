import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { isProvince } from '../vocabulary';

/** A province's name in the user's language, for text put together (an unknown code as it came). */
export function provinceLabel(t: TFunction, province: string): string {
  return isProvince(province) ? t(`province.${province}`) : province;
}

/** provinceLabel for a component that has no `t` of its own at hand. */
export function useProvinceLabel(): (province: string) => string {
  const { t } = useTranslation();
  return (p) => provinceLabel(t, p);
}

/** A province by its name in the user's language. */
export function ProvinceName({ province }: { province: string }) {
  const { t } = useTranslation();
  return <>{provinceLabel(t, province)}</>;
}
