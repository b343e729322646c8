/** Sign-in frames (each costs a signature check) one address may send per window. */
export const WS_SIGN_INS_PER_IP = 60;
/** Sign-in frames naming one account per window, from anywhere. */
export const WS_SIGN_INS_PER_ACCOUNT = 10;
export const WS_SIGN_IN_WINDOW_MS = 60_000;
/** Keys remembered per budget; past it, expired windows are dropped, then the oldest. */
const MAX_KEYS = 100_000;

interface Window {
  count: number;
  resetAt: number;
}

/** Fixed-window counters for one kind of key, bounded in memory. */
class WindowCounter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #windows = new Map<string, Window>();

  constructor(limit: number, windowMs: number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /** 0 when the hit fits the budget, else ms until the window resets (the hit is not counted). */
  hit(key: string, now: number): number {
    let window = this.#windows.get(key);
    if (window === undefined || window.resetAt <= now) {
      if (window === undefined && this.#windows.size >= MAX_KEYS) this.#prune(now);
      window = { count: 0, resetAt: now + this.#windowMs };
      this.#windows.set(key, window);
    }
    if (window.count >= this.#limit) return window.resetAt - now;
    window.count++;
    return 0;
  }

  #prune(now: number): void {
    for (const [key, window] of this.#windows) if (window.resetAt <= now) this.#windows.delete(key);
    if (this.#windows.size >= MAX_KEYS) {
      const oldest = this.#windows.keys().next();
      if (!oldest.done) this.#windows.delete(oldest.value);
    }
  }
}

export interface SignInBudgetOptions {
  perIp?: number;
  perAccount?: number;
  windowMs?: number;
  now?: () => number;
}

/**
 * Budgets for WebSocket sign-in frames, checked before the signature: one address and one account
 * can each ask for only so many signature checks per window (a flood of 100 sockets × 10 `auth`
 * frames a second from one address cost 14,800 checks in 15 s, half a core, before this).
 */
export class SignInBudget {
  readonly #perIp: WindowCounter;
  readonly #perAccount: WindowCounter;
  readonly #now: () => number;

  constructor(options: SignInBudgetOptions = {}) {
    const windowMs = options.windowMs ?? WS_SIGN_IN_WINDOW_MS;
    this.#perIp = new WindowCounter(options.perIp ?? WS_SIGN_INS_PER_IP, windowMs);
    this.#perAccount = new WindowCounter(options.perAccount ?? WS_SIGN_INS_PER_ACCOUNT, windowMs);
    this.#now = options.now ?? Date.now;
  }

  /** 0 when this sign-in may be checked, else seconds to wait before trying again. */
  take(ip: string, account: string): number {
    const now = this.#now();
    const ipWait = this.#perIp.hit(ip, now);
    if (ipWait > 0) return Math.ceil(ipWait / 1000);
    const accountWait = this.#perAccount.hit(account.trim().toLowerCase(), now);
    return accountWait > 0 ? Math.ceil(accountWait / 1000) : 0;
  }
}
