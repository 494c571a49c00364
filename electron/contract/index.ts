export * from './api';
export * from './entities';
export * from './errors';
export * from './events';
export * from './methods';
export * from './primitives';
export * from './wire';
