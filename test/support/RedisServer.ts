import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from './freePort.js';

/** Whether `redis-server` can run here; with REQUIRE_REDIS=1 (CI) its absence is an error. */
export function redisAvailable(): boolean {
  let found = false;
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    found = true;
  } catch {
    found = false;
  }
  if (!found && process.env.REQUIRE_REDIS === '1') {
    throw new Error('REQUIRE_REDIS=1 but redis-server is not installed (apt-get install -y redis-server)');
  }
  return found;
}

async function waitForPort(port: number, up: boolean): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open === up) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis port ${port} did not become ${up ? 'reachable' : 'closed'}`);
}

/** A real `redis-server` on a free port, started by the test, with fault injection. */
export class RedisServer {
  readonly port: number;
  readonly #password: string | undefined;
  #process: ChildProcess | undefined;

  private constructor(port: number, password: string | undefined) {
    this.port = port;
    this.#password = password;
  }

  /** `password`: the server requires it (`requirepass`); `url` carries it. */
  static async start(options: { password?: string } = {}): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), options.password);
    await server.#spawn();
    return server;
  }

  get url(): string {
    const auth = this.#password === undefined ? '' : `:${encodeURIComponent(this.#password)}@`;
    return `redis://${auth}127.0.0.1:${this.port}`;
  }

  /** Crash: SIGKILL, the port closes at once. */
  async kill(): Promise<void> {
    const child = this.#process;
    this.#process = undefined;
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    await waitForPort(this.port, false);
  }

  /** Hang: SIGSTOP (connections stay open, nothing answers). */
  pause(): void {
    this.#process?.kill('SIGSTOP');
  }

  resume(): void {
    this.#process?.kill('SIGCONT');
  }

  /** Starts again on the same port (empty, as after a crash without persistence). */
  async restart(): Promise<void> {
    await this.kill();
    await this.#spawn();
  }

  async stop(): Promise<void> {
    this.resume();
    await this.kill();
  }

  async #spawn(): Promise<void> {
    this.#process = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        ...(this.#password === undefined ? [] : ['--requirepass', this.#password]),
      ],
      { stdio: 'ignore' },
    );
    // A test process that ends without stopping its server (a failed hook, a timeout) takes it along.
    const child = this.#process;
    const killChild = () => child.kill('SIGKILL');
    process.once('exit', killChild);
    child.once('exit', () => process.off('exit', killChild));
    // A missing binary is reported as an error event: without a listener it would crash the process.
    const failed = new Promise<never>((_, reject) =>
      child.once('error', (error) => reject(new Error(`cannot start redis-server: ${error.message}`))),
    );
    failed.catch(() => {}); // past start-up, a dead server shows as a closed port
    await Promise.race([waitForPort(this.port, true), failed]);
  }
}
