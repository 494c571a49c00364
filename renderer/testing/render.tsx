import { render } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { createApi } from '../../electron/contract/api';
import { setApi } from '../api';
import { App } from '../App';
import { createI18n } from '../i18n';
import '../i18n/types';
import { useAccount } from '../stores/account';
import { useCompose } from '../stores/compose';
import { useDevice } from '../stores/device';
import { subscribeToEvents } from '../stores/events';
import { useHardware } from '../stores/hardware';
import { useKeyboard } from '../stores/keyboard';
import { useLobby } from '../stores/lobby';
import { useMail } from '../stores/mail';
import { useMaintenance } from '../stores/maintenance';
import { useNavigation } from '../stores/navigation';
import { useSession } from '../stores/session';
import { useStamps } from '../stores/stamps';
import { useSync } from '../stores/sync';
import { useTickets } from '../stores/tickets';
import { createFakeBridge, type Handlers } from './fake-bridge';
import { idleSync, kioskInfo } from './fixtures';

/** Each store back to its first state, so tests do not leak into each other. The cast: a
 * union of differently typed stores has no callable setState. */
function resetStores() {
  for (const store of stores) {
    const reset = store as unknown as {
      setState(state: unknown, replace: true): void;
      getInitialState(): unknown;
    };
    reset.setState(reset.getInitialState(), true);
  }
}

const stores = [
  useAccount,
  useCompose,
  useDevice,
  useHardware,
  useKeyboard,
  useLobby,
  useMail,
  useMaintenance,
  useNavigation,
  useSession,
  useStamps,
  useSync,
  useTickets,
];

/** Wires the stores to a fresh fake bridge, as main.tsx wires them to the real one. */
export function connect(handlers: Handlers) {
  resetStores();
  const bridge = createFakeBridge({
    'device.info': () => kioskInfo,
    'device.syncStatus': () => idleSync,
    'auth.session': () => ({ session: null }),
    ...handlers,
  });
  const api = createApi(bridge);
  setApi(api);
  const unsubscribe = subscribeToEvents(api);
  return { bridge, api, unsubscribe };
}

/** The whole app on a fake bridge, at a facility whose language is English unless told otherwise. */
export function renderApp(handlers: Handlers, locale: 'en' | 'es' = 'en') {
  const connection = connect({
    'device.info': () => ({ ...kioskInfo, defaultLocale: locale }),
    ...handlers,
  });
  void useDevice.getState().load();
  void useSync.getState().load();
  void useSession.getState().refresh();
  const i18n = createI18n(locale);
  const view = render(
    <I18nextProvider i18n={i18n}>
      <App />
    </I18nextProvider>,
  );
  return { ...connection, view, i18n };
}
