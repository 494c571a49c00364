/**
 * The central benchmark's peer: the smallest Fastify service (one JSON route, no logging), in its
 * own process on 127.0.0.1, so the HTTP framework's own cost is measured on the same machine in
 * the same run as the central service.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/v1/pull', async () => ({ hello: 'world' }));
app.get('/', async () => ({ hello: 'world' }));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(`fastify hello on ${address}`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
