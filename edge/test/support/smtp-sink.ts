import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { ReceivedMail } from '@berth/test-support/inbox';

const Ready = z.object({ port: z.number().int().positive() });
const Stored = z.object({ to: z.string(), from: z.string(), subject: z.string(), text: z.string() });

export interface SmtpSink {
  port: number;
  /** Edge settings that send through this server. */
  env: Record<string, string>;
  /** Every received mail, with the envelope sender. */
  inbox: { all(): Promise<(ReceivedMail & { from: string })[]> };
  stop(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./smtp-sink-server.ts', import.meta.url));
const EDGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** Starts the SMTP server in a child process and waits until it listens. */
export async function startSmtpSink(timeoutMs = 20_000): Promise<SmtpSink> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-smtp-'));
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, dir], { cwd: EDGE_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };

  const lines = createInterface({ input: child.stdout });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the SMTP sink did not start in ${timeoutMs} ms: ${stderr}`)), timeoutMs);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the SMTP sink exited (${code}): ${stderr}`));
      });
      lines.once('line', (line) => {
        clearTimeout(timer);
        const ready = Ready.safeParse(JSON.parse(line));
        if (ready.success) resolve(ready.data.port);
        else reject(new Error(`the SMTP sink said something unexpected: ${line}`));
      });
    });
    const all = () =>
      Promise.resolve(
        readdirSync(dir)
          .filter((f) => f.endsWith('.json'))
          .sort()
          .map((f) => Stored.parse(JSON.parse(readFileSync(join(dir, f), 'utf8')))),
      );
    const env = { BERTH_SMTP_HOST: '127.0.0.1', BERTH_SMTP_PORT: String(port), BERTH_SMTP_SECURITY: 'none', BERTH_MAIL_FROM: 'Berth <berth@mail.test>' };
    return { port, env, inbox: { all }, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
