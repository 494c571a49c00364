/** The parts of Electron's `Input` (before-input-event) the guard looks at. */
export interface KeyInput {
  type: string;
  key: string;
  control: boolean;
  meta: boolean;
  alt: boolean;
  shift: boolean;
}

/** Keys that edit text or move the caret: still allowed with Ctrl/Cmd. */
const EDITING_KEYS = new Set([
  'a',
  'c',
  'v',
  'x',
  'z',
  'y',
  'Backspace',
  'Delete',
  'ArrowLeft',
  'ArrowRight',
  'ArrowUp',
  'ArrowDown',
  'Home',
  'End',
]);

/**
 * True when a key would let someone leave or alter the kiosk: reload, devtools, zoom, print,
 * quit, close, new windows, full-screen toggles, browser keys. It is an allow-list: every
 * Ctrl/Cmd combination is blocked except text editing, every function key is blocked, Alt+F4
 * and the Browser* media keys are blocked. AltGr (Ctrl+Alt on Windows) types characters in
 * Spanish layouts, so it stays allowed. The OS does the rest (docs/install.md).
 */
export function isEscapingShortcut(input: KeyInput, platform: NodeJS.Platform): boolean {
  if (input.type !== 'keyDown' && input.type !== 'rawKeyDown') return false;
  const { key } = input;
  if (/^F\d{1,2}$/.test(key)) return true;
  if (key.startsWith('Browser') || key === 'ContextMenu' || key === 'Help') return true;
  const altGr = platform === 'win32' && input.control && input.alt;
  const primary = platform === 'darwin' ? input.meta : input.control && !altGr;
  if (primary || (platform !== 'darwin' && input.meta)) {
    return !(EDITING_KEYS.has(key.length === 1 ? key.toLowerCase() : key) && !input.alt);
  }
  return false;
}
