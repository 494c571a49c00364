/** The device's side of sync inside the backend. Import from here. */
export { createBackendSync, type BackendSync } from './connector';
export { enrollWithCode, isEnrolled } from './enroll';
