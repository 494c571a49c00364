import { create } from 'zustand';
import type { KeyboardMode } from '../components/keyboard-layouts';

export interface KeyboardTarget {
  /** The focused field's element id. */
  id: string;
  /** The field's label, echoed above the keys. */
  label: string;
  value: string;
  multiline: boolean;
  mode: KeyboardMode;
  onChange(value: string): void;
}

interface KeyboardState {
  target: KeyboardTarget | null;
  attach(target: KeyboardTarget): void;
  /** The field re-rendered with a new value or handler (typed on a physical keyboard, say). */
  sync(target: KeyboardTarget): void;
  detach(id?: string): void;
}

/** Which text field the on-screen keyboard types into. */
export const useKeyboard = create<KeyboardState>()((set, get) => ({
  target: null,
  attach(target) {
    set({ target });
  },
  sync(target) {
    if (get().target?.id === target.id) set({ target });
  },
  detach(id) {
    if (id === undefined || get().target?.id === id) set({ target: null });
  },
}));
