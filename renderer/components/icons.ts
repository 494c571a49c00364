// The icons the screens use, each from its own module: the bundle and the jsdom tests load
// only these, never the whole set (the package's CommonJS entry is 1.4 MB).
export type { LucideIcon } from 'lucide-react';
export { default as CircleHelp } from 'lucide-react/icons/circle-help';
export { default as House } from 'lucide-react/icons/house';
export { default as Inbox } from 'lucide-react/icons/inbox';
export { default as LifeBuoy } from 'lucide-react/icons/life-buoy';
export { default as LogOut } from 'lucide-react/icons/log-out';
export { default as PenLine } from 'lucide-react/icons/pen-line';
export { default as SearchX } from 'lucide-react/icons/search-x';
export { default as Stamp } from 'lucide-react/icons/stamp';
export { default as UserRound } from 'lucide-react/icons/user-round';
export { default as Wallet } from 'lucide-react/icons/wallet';
export { default as Wrench } from 'lucide-react/icons/wrench';
