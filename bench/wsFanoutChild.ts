import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const STOP_GRACE_MS = 5_000;
const Reply = z.object({ id: z.number() }).loose();

export interface WsFanoutChild {
  readonly pid: number;
  /** Sends `request` with a fresh id; resolves with the reply carrying that id. */
  call<T>(request: object, schema: z.ZodType<T>): Promise<T>;
  /** The next message without an id (such as `ready`). */
  next<T>(schema: z.ZodType<T>): Promise<T>;
  /** Asks the child to exit, then kills it if it does not. */
  stop(): Promise<void>;
}

export interface WsFanoutChildOptions {
  /** A `.ts` file next to this one, run with `node --import tsx`. */
  entry: string;
  args?: readonly string[];
  /** `taskset -c` CPU list; undefined = not pinned. */
  cpus?: string | undefined;
  /** Extra node options, such as `--cpu-prof`. */
  nodeArgs?: readonly string[];
}

/** A bench child process with an IPC channel, optionally pinned to CPUs. */
export function startWsFanoutChild(options: WsFanoutChildOptions): WsFanoutChild {
  const script = fileURLToPath(new URL(options.entry, import.meta.url));
  // --expose-gc: idle-memory readings are taken after a full collection.
  const node = [
    process.execPath,
    '--expose-gc',
    ...(options.nodeArgs ?? []),
    '--import',
    'tsx',
    script,
    ...(options.args ?? []),
  ];
  const [command, ...args] = options.cpus === undefined ? node : ['taskset', '-c', options.cpus, ...node];
  const child: ChildProcess = spawn(command as string, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Structured clone keeps NaN and Infinity (a round with no samples) intact.
    serialization: 'advanced',
  });
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const unsolicited: unknown[] = [];
  const nextWaiters: { resolve: (value: unknown) => void; reject: (error: Error) => void }[] = [];
  let nextId = 0;
  let exitError: Error | undefined;

  child.on('message', (message: unknown) => {
    const reply = Reply.safeParse(message);
    if (reply.success) {
      const waiter = waiting.get(reply.data.id);
      waiting.delete(reply.data.id);
      waiter?.resolve(message);
      return;
    }
    const waiter = nextWaiters.shift();
    if (waiter) waiter.resolve(message);
    else unsolicited.push(message);
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitError = new Error(`${options.entry} ${options.args?.join(' ') ?? ''} exited (${code ?? signal})`);
      for (const waiter of [...waiting.values(), ...nextWaiters.splice(0)]) waiter.reject(exitError);
      waiting.clear();
      resolve();
    });
  });

  return {
    get pid() {
      if (child.pid === undefined) throw new Error(`${options.entry} did not start`);
      return child.pid;
    },
    async call<T>(request: object, schema: z.ZodType<T>): Promise<T> {
      if (exitError) throw exitError;
      const id = nextId++;
      const reply = new Promise<unknown>((resolve, reject) => waiting.set(id, { resolve, reject }));
      child.send({ ...request, id });
      return schema.parse(await reply);
    },
    async next<T>(schema: z.ZodType<T>): Promise<T> {
      if (unsolicited.length > 0) return schema.parse(unsolicited.shift());
      if (exitError) throw exitError;
      return schema.parse(
        await new Promise<unknown>((resolve, reject) => nextWaiters.push({ resolve, reject })),
      );
    },
    async stop(): Promise<void> {
      if (exitError) return;
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
