/**
 * BrowserWindow options for every profile (kiosk, lobby, tablet). Electron defaults already
 * isolate and sandbox; they are set explicitly so that a changed default or a careless edit
 * shows up in review and in tests. Development only adds a frame, devtools and no kiosk mode.
 */
export interface WindowOptionsInput {
  preloadPath: string;
  development: boolean;
}

export function windowOptions({ preloadPath, development }: WindowOptionsInput) {
  return {
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
    },
  } as const;
}

export type WindowOptions = ReturnType<typeof windowOptions>;
