/**
 * The one BrowserWindow, for every profile (kiosk, lobby, tablet). Electron's defaults already
 * isolate and sandbox; they are set explicitly so that a changed default or a careless edit shows
 * up in review, in tests and in electronegativity (which reads this literal, hence the `new`
 * here rather than in app.ts). Development only adds a frame, devtools and no kiosk mode.
 */
export interface WindowOptionsInput {
  preloadPath: string;
  development: boolean;
}

export interface WindowOptions {
  show: boolean;
  title: string;
  backgroundColor: string;
  kiosk: boolean;
  fullscreen: boolean;
  frame: boolean;
  autoHideMenuBar: boolean;
  resizable: boolean;
  minimizable: boolean;
  closable: boolean;
  webPreferences: {
    preload: string;
    contextIsolation: boolean;
    sandbox: boolean;
    nodeIntegration: boolean;
    nodeIntegrationInWorker: boolean;
    nodeIntegrationInSubFrames: boolean;
    webSecurity: boolean;
    allowRunningInsecureContent: boolean;
    webviewTag: boolean;
    experimentalFeatures: boolean;
    navigateOnDragDrop: boolean;
    devTools: boolean;
    spellcheck: boolean;
    safeDialogs: boolean;
    disableDialogs: boolean;
    enableWebSQL: boolean;
    disableBlinkFeatures: string;
  };
}

export function createWindow<W>(
  BrowserWindow: new (options: WindowOptions) => W,
  { preloadPath, development }: WindowOptionsInput,
): W {
  return new BrowserWindow({
    show: false,
    title: 'Homeline',
    backgroundColor: '#000000',
    kiosk: !development,
    fullscreen: !development,
    frame: development,
    autoHideMenuBar: true,
    resizable: development,
    minimizable: development,
    closable: development,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      devTools: development,
      spellcheck: false,
      safeDialogs: true,
      disableDialogs: !development,
      enableWebSQL: false,
      // Middle-click opens links in new windows (refused anyway); turn the feature off.
      disableBlinkFeatures: 'Auxclick',
    },
  });
}
