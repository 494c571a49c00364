import './zod-config';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { createApi } from '../electron/contract/api';
import { setApi } from './api';
import { App } from './App';
import { createI18n } from './i18n';
import './i18n/types';
import { useDevice } from './stores/device';
import { subscribeToEvents } from './stores/events';
import { useSession } from './stores/session';
import { useSync } from './stores/sync';
import { chooseBridge } from './transport/choose-bridge';
import './styles.css';

const { bridge, onState } = chooseBridge(window);
const api = createApi(bridge);
setApi(api);
subscribeToEvents(api);

function loadDevice() {
  void useDevice.getState().load();
  void useSync.getState().load();
  void useSession.getState().refresh();
}

let connectedBefore = false;
onState((state) => {
  useDevice.getState().setConnection(state);
  // A new socket is a new backend session: ask again who is logged in.
  if (state === 'open' && connectedBefore) loadDevice();
  if (state === 'open') connectedBefore = true;
});
loadDevice();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <I18nextProvider i18n={createI18n()}>
      <App />
    </I18nextProvider>
  </StrictMode>,
);
