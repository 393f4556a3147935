// `npm run bench:setup-flood`: sign-in latency alone (the floor) and while 50 concurrent
// anonymous clients hammer POST /api/v1/setup, against one real edge in the same run. Before
// issue 11 each setup call ran a 128 MiB scrypt hash before looking at its token, so a dozen of
// them stalled every sign-in. Not a test: it prints numbers.
//
// Every client speaks from a loopback address of its own (127.0.x.y), as a flood from many
// hosts would. The flood runs in a child process, so its own client work does not share the
// edge's event loop (it does share the machine's cores, as a local attacker would).
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { z } from 'zod';
import { startStack, PASSWORD } from '@berth/test-support/swarm-stack';

const SAMPLES = Number(process.env['BENCH_SAMPLES'] ?? 30);
const FLOODERS = 50;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};
const line = (name: string, xs: number[]) => `${name.padEnd(40)} median ${pct(xs, 50).toFixed(1).padStart(7)} ms   p99 ${pct(xs, 99).toFixed(1).padStart(7)} ms   (n=${xs.length})`;

/** Sends (JSON, when there is a body) from `localAddress`; answers the status and the milliseconds until the body ended. */
function send(url: string, method: string, path: string, body: unknown, localAddress: string): Promise<{ status: number; ms: number }> {
  const payload = body === undefined ? '' : JSON.stringify(body);
  const { hostname, port, origin } = new URL(url);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: hostname === 'localhost' ? '127.0.0.1' : hostname, port, path, method, localAddress, agent: false, headers: { ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}), origin } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function signIns(url: string, block: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const r = await send(url, 'POST', '/api/auth/sign-in/email', { email: 'admin@swarm.test', password: PASSWORD }, `127.0.${block}.${i + 1}`);
    if (r.status !== 200) throw new Error(`sign-in answered ${r.status}`);
    times.push(r.ms);
  }
  return times;
}

/** Sign-in latency while a child process floods `method path` with FLOODERS concurrent clients. */
async function underFloodOf(url: string, method: string, path: string, block: number) {
  const floodStart = performance.now();
  const child = spawn(process.execPath, [...process.execArgv, new URL(import.meta.url).pathname, 'flood', url, method, path], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise((r) => child.once('exit', r));
  await new Promise((r) => setTimeout(r, 1_000)); // let the flood reach full pressure
  const t0 = performance.now();
  const underFlood = await signIns(url, block);
  const signInSeconds = (performance.now() - t0) / 1000;
  child.stdin.end(); // the flood stops when its stdin closes
  await exited;
  const seconds = (performance.now() - floodStart) / 1000;
  const { statuses, setupTimes } = FloodReport.parse(JSON.parse(out));
  return { underFlood, statuses, setupTimes, seconds, signInSeconds };
}

async function main() {
  const stack = await startStack();
  try {
    await signIns(stack.url, 1); // warm-up: first-use costs (JIT, statement cache) stay out of the floor
    const floor = await signIns(stack.url, 2);

    // The same flood on a route that does nothing: what any 50-client HTTP flood costs this box.
    const baseline = await underFloodOf(stack.url, 'GET', '/healthz', 5);
    const { underFlood, statuses, setupTimes, seconds, signInSeconds } = await underFloodOf(stack.url, 'POST', '/api/v1/setup', 4);

    const total = Object.values(statuses).reduce((a, b) => a + b, 0);
    console.log(`\nsign-in latency, ${SAMPLES} samples each (${signInSeconds.toFixed(1)} s under flood) (one real edge, embedded libSQL, scrypt N=2^17)\n`);
    console.log(line('sign-in alone (floor)', floor));
    console.log(line(`sign-in under ${FLOODERS} concurrent setup callers`, underFlood));
    console.log(`${'ratio to the floor'.padEnd(40)} median ${(pct(underFlood, 50) / pct(floor, 50)).toFixed(2)}×   p99 ${(pct(underFlood, 99) / pct(floor, 99)).toFixed(2)}×`);
    console.log(line(`sign-in under ${FLOODERS} concurrent /healthz callers`, baseline.underFlood));
    console.log(`${'ratio to the floor'.padEnd(40)} median ${(pct(baseline.underFlood, 50) / pct(floor, 50)).toFixed(2)}×   p99 ${(pct(baseline.underFlood, 99) / pct(floor, 99)).toFixed(2)}×   (${Object.values(baseline.statuses).reduce((a, b) => a + b, 0)} calls)`);
    console.log(line('refused setup calls during the flood', setupTimes));
    console.log(`setup calls: ${total} in ${seconds.toFixed(1)} s (${(total / seconds).toFixed(0)}/s), by status ${JSON.stringify(statuses)}\n`);
  } finally {
    await stack.stop();
  }
}

const FloodReport = z.object({ statuses: z.record(z.string(), z.number()), setupTimes: z.array(z.number()) });

/** The child: FLOODERS loops of refused setup calls until stdin closes, then a JSON report on stdout. */
async function flood(url: string, method: string, path: string) {
  let flooding = true;
  process.stdin.on('end', () => (flooding = false)).resume();
  const statuses: Record<string, number> = {};
  const setupTimes: number[] = [];
  const flooder = async (i: number) => {
    while (flooding) {
      const body = { token: `not-the-setup-token-${i}-${Math.random()}`, email: `flood${i}@bench.test`, password: 'flood-password-123', name: 'Flood' };
      const r = await send(url, method, path, method === 'GET' ? undefined : body, `127.0.3.${i + 1}`);
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      setupTimes.push(r.ms);
    }
  };
  await Promise.all(Array.from({ length: FLOODERS }, (_, i) => flooder(i)));
  process.stdout.write(JSON.stringify({ statuses, setupTimes }));
}

(process.argv[2] === 'flood' ? flood(process.argv[3] ?? '', process.argv[4] ?? 'GET', process.argv[5] ?? '/healthz') : main()).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
