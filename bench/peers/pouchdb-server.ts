/**
 * The sync benchmark's peer: PouchDB 9 behind express-pouchdb (CouchDB's replication protocol),
 * in its own process on 127.0.0.1, storing its databases (LevelDB) under the folder it is given.
 *   pouchdb-server.ts DIR
 */
import express from 'express';
import expressPouchDB from 'express-pouchdb';
import PouchDB from 'pouchdb';

const dir = process.argv[2];
if (!dir) throw new Error('usage: pouchdb-server.ts DIR');
const Stored = PouchDB.defaults({ prefix: `${dir}/` });
const app = express();
app.use('/', expressPouchDB(Stored, { mode: 'minimumForPouchDB', inMemoryConfig: true }));
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(`pouchdb on http://127.0.0.1:${port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
