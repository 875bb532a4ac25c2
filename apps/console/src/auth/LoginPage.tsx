import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Layout, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { useApi } from '../api/client';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { PageTitle } from '../components/PageTitle';
import { ProblemAlert } from '../components/ProblemAlert';
import { isRole } from '../vocabulary';
import { devToken, devUsersOf, originProvince } from './dev-login';
import { useSession, useSessionStore } from './react';

/** Dev mode sign-in: pick one of this origin's seed users; the edge signs a token for them. */
export default function LoginPage() {
  const { t } = useTranslation();
  const api = useApi();
  const sessions = useSessionStore();
  const session = useSession();
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from ?? '/catalog';
  const [user, setUser] = useState<string>();

  const province = useQuery({ queryKey: ['origin-province'], queryFn: () => originProvince(api) });
  const users = useQuery({
    queryKey: ['dev-users', province.data],
    queryFn: () => devUsersOf(api, province.data),
    enabled: province.isSuccess,
  });
  const signIn = useMutation({
    mutationFn: (id: string) => devToken(api, id),
    onSuccess: (token) => {
      if (sessions.signIn(token)) navigate(from, { replace: true });
    },
  });

  if (session) return <Navigate to={from} replace />;
  const ended = sessions.lastEnd();

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <PageTitle>{t('login.title')}</PageTitle>
      <Layout.Content style={{ display: 'grid', placeItems: 'center', padding: 24 }}>
        <div style={{ width: 'min(520px, 100%)' }}>
          <Space orientation="vertical" size="large" style={{ width: '100%' }}>
            <Space style={{ justifyContent: 'space-between', width: '100%' }}>
              <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
                {t('app.title')}
              </Typography.Title>
              <LanguageSwitch />
            </Space>
            <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('login.title')}</h2>}>
              <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
                {ended === 'expired' && <Alert type="info" showIcon title={t('login.sessionEnded')} />}
                <Typography.Paragraph>{t('login.devNotice')}</Typography.Paragraph>
                {province.data && (
                  <Typography.Paragraph strong>
                    {t('login.origin', { province: t(`province.${province.data}`) })}
                  </Typography.Paragraph>
                )}
                {users.error && <ProblemAlert error={users.error} onRetry={() => void users.refetch()} />}
                {province.error && <ProblemAlert error={province.error} onRetry={() => void province.refetch()} />}
                <form
                  onSubmit={(e) => {
                    e.preventDefault();
                    if (user) signIn.mutate(user);
                  }}
                >
                  <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
                    <label htmlFor="dev-user" style={{ display: 'block', marginBottom: -8 }}>
                      {t('login.user')}
                    </label>
                    <Select
                      id="dev-user"
                      style={{ width: '100%' }}
                      showSearch={{ optionFilterProp: 'label' }}
                      placeholder={t('login.choose')}
                      loading={users.isLoading}
                      value={user}
                      onChange={setUser}
                      notFoundContent={users.isSuccess ? t('login.noUsers') : undefined}
                      options={(users.data ?? []).map((u) => ({
                        value: u.id,
                        label: `${u.name} · ${u.roles.map((r) => (isRole(r) ? t(`role.${r}`) : r)).join('、')} · ${u.id}`,
                      }))}
                    />
                    {signIn.error && <ProblemAlert error={signIn.error} />}
                    <Button type="primary" htmlType="submit" disabled={!user} loading={signIn.isPending} block>
                      {t('login.submit')}
                    </Button>
                  </Space>
                </form>
              </Space>
            </Card>
          </Space>
        </div>
      </Layout.Content>
    </Layout>
  );
}
