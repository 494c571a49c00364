/** The wire protocol between devices and the central service. Import from here. */
export * from './versions';
export * from './common';
export * from './errors';
export * from './checksum';
export * from './auth';
export * from './session';
export * from './enrollment';
export * from './mutations';
export * from './entities';
export * from './pull';
export * from './customer';
export * from './staff';
