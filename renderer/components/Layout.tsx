import {
  CircleHelp,
  House,
  Inbox,
  LifeBuoy,
  LogOut,
  PenLine,
  Stamp,
  UserRound,
  Wallet,
  Wrench,
  type LucideIcon,
} from './icons';
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

const RESIDENT_NAV: [Exclude<Screen, 'message'>, LucideIcon][] = [
  ['home', House],
  ['inbox', Inbox],
  ['compose', PenLine],
  ['stamps', Stamp],
  ['tickets', LifeBuoy],
  ['account', Wallet],
  ['help', CircleHelp],
];

function ResidentNav() {
  const { t } = useTranslation();
  const screen = useNavigation((state) => state.screen);
  const go = useNavigation((state) => state.go);
  const current = screen === 'message' ? 'inbox' : screen;
  return (
    <nav className="main-nav" aria-label={t('app.mainNav')}>
      {RESIDENT_NAV.map(([item, Icon]) => (
        <button
          key={item}
          type="button"
          className="nav-item"
          aria-current={current === item ? 'page' : undefined}
          onClick={() => go(item)}
        >
          <Icon aria-hidden="true" className="icon" />
          <span className="nav-label">{t(`nav.${item}`)}</span>
        </button>
      ))}
    </nav>
  );
}

/** Who is logged in; a long name is cut on screen, and the whole of it stays in the title. */
function Person() {
  const resident = useSession((state) => state.session?.resident);
  if (!resident) return null;
  const name = `${resident.firstName} ${resident.lastName}`;
  return (
    <span className="person" title={name}>
      <UserRound aria-hidden="true" className="icon" />
      <span className="truncate" dir="auto">
        {name}
      </span>
    </span>
  );
}

/**
 * The frame of every screen: a fixed header (place, person, language, Log out), banners, the
 * menu, the scrolling content and the docked keyboard. The content scrolls on its own, so the
 * header and menu never scroll away, and the keyboard takes its height from the content rather
 * than covering it.
 */
export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const info = useDevice((state) => state.info);
  const connection = useDevice((state) => state.connection);
  const session = useSession((state) => state.session);
  const maintenance = useNavigation((state) => state.maintenance);
  const openMaintenance = useNavigation((state) => state.openMaintenance);
  const keyboardOpen = useKeyboard((state) => state.target !== null);
  const closeKeyboard = useKeyboard((state) => state.detach);
  const resident = session?.resident;

  return (
    // A form sent puts the keyboard away (after the tap, so nothing moves under the finger).
    <div
      className={resident && !maintenance ? 'app with-nav' : 'app'}
      onSubmitCapture={() => closeKeyboard()}
    >
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="top">
        <div className="brand">
          <span className="brand-name">{t('app.name')}</span>
          {info?.facilityName && (
            <span className="facility truncate" title={info.facilityName}>
              {info.facilityName}
            </span>
          )}
        </div>
        <Person />
        {maintenance && <SyncBadge />}
        <LanguageSwitch />
        {session ? (
          <button type="button" className="button secondary" onClick={() => void logOut()}>
            <LogOut aria-hidden="true" className="icon" />
            {t('app.logout')}
          </button>
        ) : (
          // Staff open the service screen from the start screen only; residents never see it
          // once logged in. An icon, not a word: it is not meant for the person at the kiosk.
          !maintenance && (
            <button
              type="button"
              className="button icon-only service-link"
              aria-label={t('app.maintenanceLabel')}
              onClick={openMaintenance}
            >
              <Wrench aria-hidden="true" className="icon" />
            </button>
          )
        )}
      </header>
      <div className="banners">
        {connection !== 'open' && (
          <p className="banner offline" role="status">
            {t('app.connectionLost')}
          </p>
        )}
        <OfflineBanner />
      </div>
      {resident && !maintenance && <ResidentNav />}
      <main id="main" tabIndex={-1}>
        <div className="content">{children}</div>
      </main>
      <Suspense fallback={null}>{keyboardOpen && <KeyboardPanel />}</Suspense>
      <IdleWarning />
    </div>
  );
}
