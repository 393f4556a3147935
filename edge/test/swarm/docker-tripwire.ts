import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { rmSync } from 'node:fs';

/** Which Engine API call trips the wire. */
export type TripCall = 'service.create' | 'service.update';

const PATTERNS: Record<TripCall, RegExp> = {
  'service.create': /^POST \/(?:v[\d.]+\/)?services\/create[ ?]/m,
  'service.update': /^POST \/(?:v[\d.]+\/)?services\/[^/\s]+\/update[ ?]/m,
};

/**
 * A pass-through proxy in front of a Docker Engine socket (the agent's DOCKER_SOCKET). Armed with
 * a call, it forwards that request to the engine, and when the engine starts to answer it runs
 * `onTrip` (the test kills the agent there) and drops the answer: the change is applied on the
 * swarm but the agent never learns of it. This pins the crash to that exact point.
 */
export class DockerTripwire {
  readonly path: string;
  readonly #upstream: string;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #armed: { call: TripCall; onTrip: () => void } | undefined;

  private constructor(path: string, upstream: string, server: Server) {
    this.path = path;
    this.#upstream = upstream;
    this.#server = server;
  }

  static async start(path: string, upstream = '/var/run/docker.sock'): Promise<DockerTripwire> {
    rmSync(path, { force: true });
    const server = createServer();
    const wire = new DockerTripwire(path, upstream, server);
    server.on('connection', (client: Socket) => wire.connection(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, resolve);
    });
    return wire;
  }

  /** Trips once on the next `call`, then disarms itself. */
  arm(call: TripCall, onTrip: () => void): void {
    this.#armed = { call, onTrip };
  }

  get armed(): boolean {
    return this.#armed !== undefined;
  }

  connection(client: Socket): void {
    const engine = createConnection(this.#upstream);
    this.#sockets.add(client).add(engine);
    let tripping: (() => void) | undefined;
    client.on('data', (chunk: Buffer) => {
      const armed = this.#armed;
      if (armed && PATTERNS[armed.call].test(chunk.toString('latin1'))) {
        this.#armed = undefined;
        tripping = armed.onTrip;
      }
      engine.write(chunk);
    });
    engine.on('data', (chunk: Buffer) => {
      if (tripping) {
        const trip = tripping;
        tripping = undefined;
        trip();
        client.destroy();
        engine.destroy();
        return;
      }
      if (!client.destroyed) client.write(chunk);
    });
    const close = () => {
      client.destroy();
      engine.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(engine);
    };
    client.on('close', close).on('error', close);
    engine.on('close', close).on('error', close);
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    rmSync(this.path, { force: true });
  }
}
