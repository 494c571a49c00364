/**
 * The central service as N processes sharing one port (node:cluster hands each connection to a
 * worker), all on one PostgreSQL: how the service scales out on one machine.
 *   central-cluster.ts N --postgres URL [other `central serve` options]
 * Prints "central cluster on URL (N processes)" once every worker listens.
 */
import cluster from 'node:cluster';
import { runCli } from '../../sync/server/cli';

if (cluster.isPrimary) {
  const processes = Number(process.argv[2]);
  if (!Number.isInteger(processes) || processes < 1) throw new Error('usage: N --postgres URL');
  let listening = 0;
  // Each worker sends every line it prints; only the one naming its address says it listens.
  cluster.on('message', (_worker, message: { address?: string }) => {
    if (message.address === undefined) return;
    listening += 1;
    if (listening === processes)
      console.log(`central cluster on ${message.address} (${processes} processes)`);
  });
  cluster.on('exit', (_worker, code) => {
    if (code !== 0 && !stopping) process.exit(1);
  });
  let stopping = false;
  process.once('SIGTERM', () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    let left = processes;
    cluster.on('exit', () => (left -= 1) === 0 && process.exit(0));
  });
  for (let n = 0; n < processes; n += 1) cluster.fork();
} else {
  const stop = await runCli(['serve', ...process.argv.slice(3)], process.env, (line) => {
    const address = /on (http:\S+)/.exec(line)?.[1];
    process.send?.({ address });
  });
  process.once('SIGTERM', () => void stop().then(() => process.exit(0)));
}
