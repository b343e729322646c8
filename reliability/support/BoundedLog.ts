/** Most captured output (characters) kept per child process; older lines are dropped (and counted) past it. */
const MAX_CAPTURED_LOG_CHARS = 16 * 1024 * 1024;

interface Waiter {
  matches: (line: string) => boolean;
  resolve: (line: string) => void;
}

/**
 * The output of a child process, line by line, bounded in characters. Lines of stdout and stderr are kept
 * in the order they arrived.
 */
export class BoundedLog {
  readonly #maxChars: number;
  readonly #lines: string[] = [];
  #chars = 0;
  #droppedChars = 0;
  readonly #partial = new Map<string, string>();
  readonly #waiters = new Set<Waiter>();

  constructor(maxChars = MAX_CAPTURED_LOG_CHARS) {
    this.#maxChars = maxChars;
  }

  /** Appends a chunk of the stream named `stream`; a line is complete at its newline. */
  append(stream: string, chunk: string): void {
    const parts = ((this.#partial.get(stream) ?? '') + chunk).split('\n');
    this.#partial.set(stream, parts.pop() ?? '');
    for (const line of parts) this.#push(line);
  }

  /** Ends every stream: an unterminated last line counts too. */
  flush(): void {
    for (const [stream, rest] of this.#partial) {
      if (rest !== '') this.#push(rest);
      this.#partial.set(stream, '');
    }
  }

  text(): string {
    return this.#lines.join('\n');
  }

  lines(): readonly string[] {
    return this.#lines;
  }

  /** Characters dropped from the start to stay within the bound (0: `text()` is everything). */
  get droppedChars(): number {
    return this.#droppedChars;
  }

  /** Resolves with the first line (already seen or still to come) that matches. */
  waitFor(matches: (line: string) => boolean): Promise<string> {
    const seen = this.#lines.find(matches);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.add({ matches, resolve }));
  }

  #push(line: string): void {
    this.#lines.push(line);
    this.#chars += line.length + 1;
    while (this.#chars > this.#maxChars && this.#lines.length > 1) {
      const dropped = this.#lines.shift() ?? '';
      this.#chars -= dropped.length + 1;
      this.#droppedChars += dropped.length + 1;
    }
    for (const waiter of this.#waiters) {
      if (waiter.matches(line)) {
        this.#waiters.delete(waiter);
        waiter.resolve(line);
      }
    }
  }
}
