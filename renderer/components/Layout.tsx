import { lazy, Suspense, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { logOut } from '../stores/events';
import { useDevice } from '../stores/device';
import { useKeyboard } from '../stores/keyboard';
import { useNavigation, type Screen } from '../stores/navigation';
import { useSession } from '../stores/session';
import { IdleWarning } from './IdleWarning';
import { LanguageSwitch } from './LanguageSwitch';
import { OfflineBanner, SyncBadge } from './SyncBadge';

const KeyboardPanel = lazy(() => import('./KeyboardPanel'));

const RESIDENT_NAV: Exclude<Screen, 'message'>[] = [
  'home',
  'inbox',
  'compose',
  'stamps',
  'tickets',
  'account',
  'help',
];

function ResidentNav() {
  const { t } = useTranslation();
  const screen = useNavigation((state) => state.screen);
  const go = useNavigation((state) => state.go);
  const current = screen === 'message' ? 'inbox' : screen;
  return (
    <nav className="main-nav" aria-label={t('app.mainNav')}>
      {RESIDENT_NAV.map((item) => (
        <button
          key={item}
          type="button"
          className="nav-item"
          aria-current={current === item ? 'page' : undefined}
          onClick={() => go(item)}
        >
          {t(`nav.${item}`)}
        </button>
      ))}
    </nav>
  );
}

/** The frame of every screen: header, banners, menu, main content, footer, keyboard. */
export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const info = useDevice((state) => state.info);
  const connection = useDevice((state) => state.connection);
  const session = useSession((state) => state.session);
  const maintenance = useNavigation((state) => state.maintenance);
  const openMaintenance = useNavigation((state) => state.openMaintenance);
  const keyboardOpen = useKeyboard((state) => state.target !== null);
  const resident = session?.resident;

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="top">
        <div className="brand">
          <span className="brand-name">{t('app.name')}</span>
          {info?.facilityName && <span className="facility">{info.facilityName}</span>}
        </div>
        <SyncBadge />
        <LanguageSwitch />
        {session && (
          <button type="button" className="button secondary" onClick={() => void logOut()}>
            {t('app.logout')}
          </button>
        )}
      </header>
      {connection !== 'open' && (
        <p className="banner offline" role="status">
          {t('app.connectionLost')}
        </p>
      )}
      <OfflineBanner />
      {resident && !maintenance && <ResidentNav />}
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="bottom">
        <span className="version">{info ? `v${info.appVersion}` : ''}</span>
        {!maintenance && (
          <button
            type="button"
            className="service-link"
            aria-label={t('app.maintenanceLabel')}
            onClick={openMaintenance}
          >
            {t('app.maintenance')}
          </button>
        )}
      </footer>
      <Suspense fallback={null}>{keyboardOpen && <KeyboardPanel />}</Suspense>
      <IdleWarning />
    </div>
  );
}
