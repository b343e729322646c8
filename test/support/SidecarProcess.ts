import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort } from './freePort.js';

/** Sidecar connects to the node and reads its metadata before it listens; a busy CI box is slow at it (within the 60 s hook timeout). */
const START_DEADLINE_MS = 40_000;
const POLL_INTERVAL_MS = 100;
const PROBE_TIMEOUT_MS = 2_000;
/** The end of Sidecar's output kept for the error message when it fails to start. */
const OUTPUT_TAIL_CHARS = 4_096;

/** The installed `@substrate/api-sidecar`'s entry point (its `substrate-api-sidecar` bin). */
function sidecarMain(): string {
  const manifest = createRequire(import.meta.url).resolve('@substrate/api-sidecar/package.json');
  return join(dirname(manifest), 'build', 'src', 'main.js');
}

/** A real Substrate API Sidecar child process on a free loopback port, connected to `nodeUrl`. */
export class SidecarProcess {
  readonly url: string;
  readonly #child: ChildProcess;
  #output = '';
  #exit: string | undefined;

  private constructor(port: number, nodeUrl: string) {
    this.url = `http://127.0.0.1:${port}`;
    this.#child = spawn(process.execPath, [sidecarMain()], {
      env: {
        ...process.env,
        SAS_SUBSTRATE_URL: nodeUrl,
        SAS_EXPRESS_BIND_HOST: '127.0.0.1',
        SAS_EXPRESS_PORT: String(port),
        SAS_LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.#output = (this.#output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
    };
    this.#child.stdout?.on('data', keep);
    this.#child.stderr?.on('data', keep);
    this.#child.once('error', (error) => {
      this.#exit = error.message;
    });
    this.#child.once('exit', (code, signal) => {
      this.#exit = `exited (${signal ?? code})`;
    });
    // A test process that ends without stopping Sidecar (a failed hook, a timeout) takes it along.
    const killChild = () => this.#child.kill('SIGKILL');
    process.once('exit', killChild);
    this.#child.once('exit', () => process.off('exit', killChild));
  }

  /** Starts Sidecar and resolves once it answers HTTP (it listens only after reading the chain). */
  static async start(nodeUrl: string): Promise<SidecarProcess> {
    const sidecar = new SidecarProcess(await freePort(), nodeUrl);
    try {
      await sidecar.#waitUntilAnswering();
    } catch (error) {
      await sidecar.stop();
      throw error;
    }
    return sidecar;
  }

  /** `GET path`, its status and JSON body. */
  async get(path: string): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.url}${path}`);
    return { status: response.status, body: await response.json() };
  }

  /** `POST path` with a JSON body, its status and JSON body. */
  async post(path: string, body: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#child.kill('SIGKILL');
    await exited;
  }

  async #waitUntilAnswering(): Promise<void> {
    const deadline = Date.now() + START_DEADLINE_MS;
    while (Date.now() < deadline) {
      if (this.#exit !== undefined) break;
      try {
        await fetch(`${this.url}/`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
      }
    }
    throw new Error(
      `Sidecar did not answer on ${this.url} (${this.#exit ?? `not within ${START_DEADLINE_MS} ms`}):\n${this.#output}`,
    );
  }
}
