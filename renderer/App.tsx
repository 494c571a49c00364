import { lazy, Suspense, useEffect, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { Layout } from './components/Layout';
import { ErrorNotice } from './components/ErrorNotice';
import LoginScreen from './screens/LoginScreen';
import { useDevice } from './stores/device';
import { useNavigation, type Screen } from './stores/navigation';
import { useSession } from './stores/session';

// Each screen is its own chunk: the first paint needs only the login screen.
const screens: Record<Screen, ComponentType> = {
  home: lazy(() => import('./screens/HomeScreen')),
  inbox: lazy(() => import('./screens/InboxScreen')),
  message: lazy(() => import('./screens/MessageScreen')),
  compose: lazy(() => import('./screens/ComposeScreen')),
  stamps: lazy(() => import('./screens/StampsScreen')),
  tickets: lazy(() => import('./screens/TicketsScreen')),
  account: lazy(() => import('./screens/AccountScreen')),
  help: lazy(() => import('./screens/HelpScreen')),
};
const LobbyScreen = lazy(() => import('./screens/LobbyScreen'));
const MaintenanceScreen = lazy(() => import('./screens/MaintenanceScreen'));

function Loading() {
  const { t } = useTranslation();
  return (
    <p className="loading" role="status">
      {t('app.loading')}
    </p>
  );
}

function CurrentScreen() {
  const info = useDevice((state) => state.info);
  const deviceError = useDevice((state) => state.error);
  const session = useSession((state) => state.session);
  const screen = useNavigation((state) => state.screen);
  const maintenance = useNavigation((state) => state.maintenance);

  if (deviceError) return <ErrorNotice error={deviceError} />;
  if (!info || session === undefined) return <Loading />;
  if (maintenance) return <MaintenanceScreen />;
  if (info.profile === 'lobby') return <LobbyScreen />;
  if (!session?.resident) return <LoginScreen />;
  const Current = screens[screen];
  return <Current />;
}

/** Picks the screen from the device profile, the session and the navigation state. */
export function App() {
  const { i18n } = useTranslation();
  const activity = useSession((state) => state.activity);

  useEffect(() => {
    document.documentElement.lang = i18n.language;
  }, [i18n.language]);

  useEffect(() => {
    // Any touch or key counts as activity; the store throttles auth.touch.
    const onActivity = () => activity();
    window.addEventListener('pointerdown', onActivity, { passive: true });
    window.addEventListener('keydown', onActivity);
    return () => {
      window.removeEventListener('pointerdown', onActivity);
      window.removeEventListener('keydown', onActivity);
    };
  }, [activity]);

  return (
    <Layout>
      <Suspense fallback={<Loading />}>
        <CurrentScreen />
      </Suspense>
    </Layout>
  );
}
