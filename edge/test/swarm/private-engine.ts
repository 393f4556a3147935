import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';

function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.stdout}`);
}

/**
 * A second Docker Engine, single-node Swarm manager, that only this test uses: dockerd runs in its
 * own network namespace (a veth end with a 10.x address to advertise), with its own data root,
 * exec root, socket and containerd, so restarting it never touches the shared engine.
 */
export class PrivateEngine {
  readonly socket: string;
  readonly docker: Docker;
  readonly #name: string;
  readonly #dir: string;
  #proc: ChildProcess | undefined;

  private constructor(name: string) {
    this.#name = name;
    this.#dir = join('/tmp', name);
    this.socket = `/run/${name}.sock`;
    this.docker = new Docker({ socketPath: this.socket });
  }

  /** Namespace, dockerd, `swarm init`, and the test image copied over from the shared engine. */
  static async start(name: string, address: string, image: string): Promise<PrivateEngine> {
    const e = new PrivateEngine(name);
    sh('ip', ['netns', 'add', name]);
    sh('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    sh('ip', ['link', 'add', `${name}h`, 'type', 'veth', 'peer', 'name', `${name}n`]);
    sh('ip', ['link', 'set', `${name}n`, 'netns', name]);
    sh('ip', ['-n', name, 'addr', 'add', `${address}/24`, 'dev', `${name}n`]);
    sh('ip', ['-n', name, 'link', 'set', `${name}n`, 'up']);
    sh('ip', ['link', 'set', `${name}h`, 'up']);
    mkdirSync(e.#dir, { recursive: true });
    await e.up();
    await e.docker.swarmInit({ ListenAddr: `${address}:2377`, AdvertiseAddr: address });
    const saved = spawn('docker', ['save', image], { stdio: ['ignore', 'pipe', 'inherit'] });
    if (!saved.stdout) throw new Error('docker save: no output');
    await e.docker.loadImage(saved.stdout).then((res) => new Promise((resolve) => (res.on('end', resolve), res.resume())));
    return e;
  }

  /** Starts dockerd (again, on the same data root) and waits until it answers. */
  async up(): Promise<void> {
    const d = this.#dir;
    this.#proc = spawn(
      'nsenter',
      [`--net=/run/netns/${this.#name}`, 'dockerd', '--data-root', join(d, 'data'), '--exec-root', join(d, 'exec'), '-H', `unix://${this.socket}`, '--pidfile', join(d, 'docker.pid'), '--bridge', 'none', '--iptables=false'],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (await this.docker.ping().then(() => true, () => false)) return;
      if (Date.now() > deadline) throw new Error(`private dockerd ${this.#name} did not come up`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** SIGTERM to dockerd, and waits until it exited. */
  async down(): Promise<void> {
    const proc = this.#proc;
    const pidFile = join(this.#dir, 'docker.pid');
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : undefined;
    if (pid) process.kill(pid, 'SIGTERM');
    if (proc && proc.exitCode === null && proc.signalCode === null) await once(proc, 'exit');
    this.#proc = undefined;
  }

  /** Stops dockerd and removes the namespace, veth, socket and directories. */
  async destroy(): Promise<void> {
    await this.down().catch(() => undefined);
    spawnSync('ip', ['netns', 'del', this.#name]);
    spawnSync('ip', ['link', 'del', `${this.#name}h`]);
    rmSync(this.socket, { force: true });
    // dockerd leaves the network namespaces of its overlay networks bind-mounted under exec-root.
    const mounts = readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[1] ?? '')
      .filter((m) => m.startsWith(`${this.#dir}/`))
      .reverse();
    for (const m of mounts) spawnSync('umount', ['-l', m]);
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
