import { Button, Layout, Menu, Space, Spin, Tag, Typography } from 'antd';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';
import { useSessionStore, useSignedIn } from '../auth';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { menuFor, navKeyOf } from './menu';

/** The frame of every signed-in page: the province and user in the header, the side menu by role. */
export function AppShell() {
  const { t } = useTranslation();
  const { claims } = useSignedIn();
  const sessions = useSessionStore();
  const { pathname } = useLocation();
  const entries = menuFor(claims.roles);
  const selected = navKeyOf(pathname, entries);

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{ display: 'flex', alignItems: 'center', gap: 16, paddingInline: 24, background: '#001529' }}
      >
        <Typography.Text strong style={{ color: '#fff', fontSize: 16, whiteSpace: 'nowrap' }}>
          {t('app.title')}
        </Typography.Text>
        <Tag style={{ marginInlineEnd: 0 }} title={t('header.province')}>
          {t(`province.${claims.province}`)}
        </Tag>
        <span style={{ flex: 1 }} />
        <Space size="middle" style={{ color: '#fff' }}>
          <span data-testid="current-user">
            {claims.name}
            <span style={{ opacity: 0.85 }}> · {claims.roles.map((r) => t(`role.${r}`)).join('、')}</span>
          </span>
          <LanguageSwitch />
          <Button size="small" onClick={() => sessions.signOut()}>
            {t('header.logout')}
          </Button>
        </Space>
      </Layout.Header>
      <Layout>
        <Layout.Sider width={240} theme="light" breakpoint="lg" collapsedWidth={0}>
          <nav aria-label={t('nav.menu')}>
            <Menu
              mode="inline"
              selectedKeys={selected ? [selected] : []}
              style={{ borderInlineEnd: 0 }}
              items={entries.map((e) => ({ key: e.key, label: <Link to={e.path}>{t(`nav.${e.key}`)}</Link> }))}
            />
          </nav>
        </Layout.Sider>
        <Layout.Content style={{ padding: 24, minWidth: 0 }}>
          <Suspense fallback={<Spin aria-label={t('common.loading')} />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
