import { create } from 'zustand';
import { renewActionKeys } from './calls';

/** The resident screens; lobby and maintenance are whole modes of their own. */
export type Screen =
  'home' | 'inbox' | 'message' | 'compose' | 'stamps' | 'tickets' | 'account' | 'help';

interface NavigationState {
  screen: Screen;
  /** The id a detail screen shows (a message or a ticket). */
  itemId: string | null;
  /** Facility IT opened the service screen over whatever was showing. */
  maintenance: boolean;
  go(screen: Screen, itemId?: string | null): void;
  openMaintenance(): void;
  closeMaintenance(): void;
}

export const useNavigation = create<NavigationState>()((set) => ({
  screen: 'home',
  itemId: null,
  maintenance: false,
  go(screen, itemId = null) {
    renewActionKeys();
    set({ screen, itemId });
  },
  openMaintenance() {
    renewActionKeys();
    set({ maintenance: true });
  },
  closeMaintenance() {
    set({ maintenance: false });
  },
}));
