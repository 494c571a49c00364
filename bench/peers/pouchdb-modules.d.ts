/**
 * The few calls the benchmark's PouchDB peer makes, typed here: the DefinitelyTyped packages for
 * PouchDB and Express are global declarations that would change the whole project's types.
 */
declare module 'pouchdb' {
  interface Database {
    info(): Promise<{ doc_count: number }>;
    bulkDocs(docs: object[]): Promise<unknown[]>;
    close(): Promise<void>;
  }
  interface PouchDBStatic {
    new (name: string): Database;
    defaults(options: { prefix: string }): PouchDBStatic;
    replicate(
      source: Database | string,
      target: Database | string,
      options?: { batch_size?: number },
    ): Promise<{ ok: boolean; docs_written: number }>;
  }
  const PouchDB: PouchDBStatic;
  export default PouchDB;
}

declare module 'express' {
  import type { Server, IncomingMessage, ServerResponse } from 'node:http';
  type Handler = (request: IncomingMessage, response: ServerResponse, next: () => void) => void;
  interface Application {
    use(path: string, handler: Handler): void;
    listen(port: number, host: string, ready: () => void): Server;
  }
  function express(): Application;
  export default express;
}

declare module 'express-pouchdb' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  function expressPouchDB(
    pouch: unknown,
    options?: { mode?: 'fullCouchDB' | 'minimumForPouchDB' | 'custom'; inMemoryConfig?: boolean },
  ): (request: IncomingMessage, response: ServerResponse, next: () => void) => void;
  export default expressPouchDB;
}
