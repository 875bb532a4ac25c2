import { Menu } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';

const screens = [
  { key: 'trace', path: '/audit' },
  { key: 'heads', path: '/audit/heads' },
  { key: 'witness', path: '/audit/witness' },
] as const;

/** The auditor's screens under the one menu entry 审计: 留痕查询 (and its records), 签名树头, 见证. */
export function AuditNav() {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const current = screens.find((s) => s.path !== '/audit' && pathname.startsWith(s.path))?.key ?? 'trace';
  return (
    <nav aria-label={t('auditor.nav.label')}>
      <Menu
        mode="horizontal"
        selectedKeys={[current]}
        style={{ background: 'transparent' }}
        items={screens.map((s) => ({ key: s.key, label: <Link to={s.path}>{t(`auditor.nav.${s.key}`)}</Link> }))}
      />
    </nav>
  );
}
