import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** What the test identity provider (oidc-provider-server.ts) is started with. */
export const IdpConfig = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  redirectUri: z.url(),
  accounts: z.array(
    z.object({
      id: z.string().min(1),
      email: z.string(),
      emailVerified: z.boolean(),
      name: z.string(),
      password: z.string(),
      /** More claims released with the profile scope (what a hostile or careless IdP might send). */
      extraClaims: z.record(z.string(), z.string()).optional(),
    }),
  ),
});
export type IdpConfig = z.infer<typeof IdpConfig>;

const Ready = z.object({ issuer: z.url() });

export interface RunningIdp {
  issuer: string;
  stop(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./oidc-provider-server.ts', import.meta.url));
const EDGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** Starts the provider in a child process and waits for the line that names its issuer. */
export async function startIdp(config: IdpConfig, timeoutMs = 20_000): Promise<RunningIdp> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, JSON.stringify(config)], { cwd: EDGE_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };

  const lines = createInterface({ input: child.stdout });
  try {
    const issuer = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the test IdP did not start in ${timeoutMs} ms: ${stderr}`)), timeoutMs);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the test IdP exited (${code}): ${stderr}`));
      });
      lines.once('line', (line) => {
        clearTimeout(timer);
        const ready = Ready.safeParse(JSON.parse(line));
        if (ready.success) resolve(ready.data.issuer);
        else reject(new Error(`the test IdP said something unexpected: ${line}`));
      });
    });
    return { issuer, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
