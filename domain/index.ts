/** The pure business rules of DOMAIN.md. Import from here: `import { stampCost } from '../domain'`. */
export * from './types';
export * from './facility';
export * from './result';
export * from './instant';
export * from './stamps';
export * from './lockout';
export * from './credentials';
export * from './timeline';
export * from './money';
export * from './fees';
export * from './blocks';
export * from './text';
export * from './moderation';
export * from './promotions';
export * from './troubleshooting';
