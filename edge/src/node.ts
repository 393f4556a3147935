import { startNodeServer } from './adapters/node-server.ts';

/** Node entry: `npm start` runs this. Only this file exits the process. */
async function main() {
  const server = await startNodeServer(process.env, {
    // Printed for the person starting Berth, never logged as a field.
    onSetupToken: (token) =>
      process.stdout.write(`\n  Berth first-boot setup token: ${token}\n  Use it at /setup (or POST /api/v1/setup) to create the first administrator.\n\n`),
  });
  process.stdout.write(`  Berth is running at ${server.url}  (API docs: ${server.url}/api/docs)\n\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`  shutting down (${signal})\n`);
    setTimeout(() => process.exit(1), 10_000).unref();
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(JSON.stringify({ level: 'error', msg: 'berth edge failed to start', error: err instanceof Error ? err.message : String(err) }));
  process.exit(1);
});
