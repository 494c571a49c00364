/** Typed failures of the local store; callers map them to contract error codes. */
export type StoreErrorCode =
  | 'db_from_future'
  | 'migration_failed'
  | 'not_found'
  | 'conflict'
  | 'insufficient_stamps'
  | 'invalid_mutation';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/**
 * A mutation the sync protocol would refuse as malformed: refused at enqueue, so the person's
 * call fails now (nothing saved) instead of the central service rejecting it for good later.
 */
export class InvalidMutationError extends StoreError {
  constructor(
    readonly mutation: string,
    readonly field: string,
    reason: string,
  ) {
    super('invalid_mutation', `${mutation}: ${field || 'args'}: ${reason}`);
    this.name = 'InvalidMutationError';
  }
}

/** The file was written by a newer app (Signal-Desktop's DBVersionFromFutureError). */
export class DatabaseFromFutureError extends StoreError {
  constructor(
    readonly fileVersion: number,
    readonly appVersion: number,
  ) {
    super(
      'db_from_future',
      `The local database is at schema version ${fileVersion} but this app knows only up to ${appVersion}; refusing to open it (install the newer app or restore a backup).`,
    );
    this.name = 'DatabaseFromFutureError';
  }
}

/** Why the store could not be opened at start; facility IT reads the message (en and es). */
export type StoreOpenErrorCode =
  | 'store_key_missing'
  | 'store_key_wrong'
  | 'store_key_invalid'
  | 'store_key_exposed'
  | 'keystore_unavailable'
  | 'store_not_writable';

interface StoreOpenDetails {
  /** Where the key was looked for (never the key itself). */
  source?: string;
  /** The database file or data folder concerned. */
  path?: string;
  /** The operating system's answer, e.g. EROFS or EACCES. */
  cause?: string;
}

const OPEN_ERROR_TEXT: Record<
  StoreOpenErrorCode,
  (d: StoreOpenDetails) => { en: string; es: string }
> = {
  store_key_missing: (d) => ({
    en: `The local database is encrypted but its key was not found (${d.source}). Restore the key; the database was left untouched.`,
    es: `La base de datos local está cifrada pero no se encontró su clave (${d.source}). Restaure la clave; la base de datos no se modificó.`,
  }),
  store_key_wrong: (d) => ({
    en: `The key from ${d.source} does not open the local database ${d.path} (wrong key or damaged file). The database was left untouched.`,
    es: `La clave de ${d.source} no abre la base de datos local ${d.path} (clave incorrecta o archivo dañado). La base de datos no se modificó.`,
  }),
  store_key_invalid: (d) => ({
    en: `The key in ${d.source} is not a 32-byte base64url key.`,
    es: `La clave de ${d.source} no es una clave base64url de 32 bytes.`,
  }),
  store_key_exposed: (d) => ({
    en: `The ${d.source} may be read by other users; make it readable by its owner only (chmod 600).`,
    es: `Otros usuarios pueden leer ${d.source}; hágalo legible solo por su dueño (chmod 600).`,
  }),
  keystore_unavailable: (d) => ({
    en: `The operating system's keystore is not available (${d.cause}); Homeline will not keep data unprotected. Set up the keystore, or set the documented override for this device.`,
    es: `El almacén de claves del sistema no está disponible (${d.cause}); Homeline no guardará datos sin protección. Configure el almacén de claves o la excepción documentada para este equipo.`,
  }),
  store_not_writable: (d) => ({
    en: `The data folder ${d.path} cannot be written (${d.cause}). Free space or fix the folder's permissions and restart.`,
    es: `No se puede escribir en la carpeta de datos ${d.path} (${d.cause}). Libere espacio o corrija los permisos de la carpeta y reinicie.`,
  }),
};

/** A start-up refusal with its text in English and Spanish (message = both, English first). */
export class StoreOpenError extends Error {
  readonly text: { en: string; es: string };
  constructor(
    readonly code: StoreOpenErrorCode,
    details: StoreOpenDetails,
  ) {
    const text = OPEN_ERROR_TEXT[code](details);
    super(`${text.en}\n${text.es}`);
    this.text = text;
    this.name = 'StoreOpenError';
  }
}
