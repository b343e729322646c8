import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const STOP_GRACE_MS = 5_000;

const Reply = z.object({ id: z.number() }).loose();

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ChildOptions {
  /** A `.ts` file of the project (`new URL('./x.ts', import.meta.url)`), run with `node --import tsx`. */
  entry: URL;
  /**
   * The output directory of a `tsc` build of the project: run the entry's compiled `.js` from there
   * with plain node instead (what production runs).
   */
  compiledRoot?: string | undefined;
  args?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Extra node options, such as `--cpu-prof` (not allowed in NODE_OPTIONS). */
  nodeArgs?: readonly string[];
  /** `taskset -c` CPU list; undefined = not pinned. */
  cpus?: string | undefined;
  /** `advanced` (structured clone) keeps NaN and Infinity in messages intact; default `json`. */
  serialization?: 'json' | 'advanced';
}

/**
 * A benchmark child process with an IPC channel: `call` sends a request with an id and resolves with
 * the reply carrying that id; `next` waits for a message without an id (such as `ready`).
 */
export class ChildLink {
  readonly #child: ChildProcess;
  readonly #name: string;
  readonly #waiting = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  readonly #unsolicited: unknown[] = [];
  readonly #nextWaiters: { resolve: (value: unknown) => void; reject: (error: Error) => void }[] = [];
  readonly #exited: Promise<number | null>;
  #nextId = 0;
  #exitError: Error | undefined;

  constructor(options: ChildOptions) {
    const { compiledRoot } = options;
    const source = fileURLToPath(options.entry);
    const script =
      compiledRoot === undefined
        ? source
        : path.join(compiledRoot, path.relative(PROJECT_ROOT, source).replace(/\.ts$/, '.js'));
    this.#name = path.basename(source);
    const node = [
      process.execPath,
      ...(options.nodeArgs ?? []),
      ...(compiledRoot === undefined ? ['--import', 'tsx'] : []),
      script,
      ...(options.args ?? []),
    ];
    const [command, ...args] = options.cpus === undefined ? node : ['taskset', '-c', options.cpus, ...node];
    this.#child = spawn(command as string, args, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: options.env ?? process.env,
      serialization: options.serialization ?? 'json',
    });
    this.#child.on('message', (message: unknown) => this.#receive(message));
    this.#exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        this.#exitError = new Error(
          `${this.#name} ${options.args?.join(' ') ?? ''} exited (${code ?? signal})`,
        );
        for (const waiter of [...this.#waiting.values(), ...this.#nextWaiters.splice(0)]) {
          waiter.reject(this.#exitError);
        }
        this.#waiting.clear();
        resolve(code);
      });
    });
  }

  get pid(): number {
    if (this.#child.pid === undefined) throw new Error(`${this.#name} did not start`);
    return this.#child.pid;
  }

  async call<T>(request: Record<string, unknown>, schema: z.ZodType<T>): Promise<T> {
    if (this.#exitError) throw this.#exitError;
    const id = this.#nextId++;
    const reply = new Promise<unknown>((resolve, reject) => this.#waiting.set(id, { resolve, reject }));
    this.#child.send({ ...request, id });
    return schema.parse(await reply);
  }

  async next<T>(schema: z.ZodType<T>): Promise<T> {
    const queued = this.#unsolicited.shift();
    if (queued !== undefined) return schema.parse(queued);
    if (this.#exitError) throw this.#exitError;
    return schema.parse(
      await new Promise<unknown>((resolve, reject) => this.#nextWaiters.push({ resolve, reject })),
    );
  }

  /** Asks the child to exit, then kills it if it does not. */
  async stop(): Promise<void> {
    if (this.#exitError) return;
    this.#child.send({ type: 'stop' });
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.#exited;
    clearTimeout(timer);
  }

  #receive(message: unknown): void {
    const reply = Reply.safeParse(message);
    if (reply.success) {
      const waiter = this.#waiting.get(reply.data.id);
      this.#waiting.delete(reply.data.id);
      waiter?.resolve(message);
      return;
    }
    const waiter = this.#nextWaiters.shift();
    if (waiter) waiter.resolve(message);
    else this.#unsolicited.push(message);
  }
}
