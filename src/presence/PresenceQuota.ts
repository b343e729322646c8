import { DEFAULT_RATE_LIMIT_PRESENCE_ACCOUNTS } from '../config/configDefaults.js';

/** Client IPs remembered at once; past it the least recently seen is forgotten (memory stays bounded). */
export const MAX_PRESENCE_QUOTA_IPS = 50_000;

export interface PresenceQuotaOptions {
  accountsPerIp?: number;
  /** How long an account counts against the IP that added it (the presence TTL). */
  windowMs: number;
  now: () => number;
  maxIps?: number;
}

/**
 * How many distinct accounts each client IP has added to presence within the window. An account
 * already counted for that IP renews its slot; a new one past the limit is refused (the caller still
 * gets its token, the viewer count is just not raised on that IP's word).
 */
export class PresenceQuota {
  readonly #accountsPerIp: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #maxIps: number;
  /** ip → account → when its slot ends; in least recently used order. */
  readonly #byIp = new Map<string, Map<string, number>>();

  constructor(options: PresenceQuotaOptions) {
    this.#accountsPerIp = options.accountsPerIp ?? DEFAULT_RATE_LIMIT_PRESENCE_ACCOUNTS;
    this.#windowMs = options.windowMs;
    this.#now = options.now;
    this.#maxIps = options.maxIps ?? MAX_PRESENCE_QUOTA_IPS;
  }

  /** Whether `ip` may (still) add `account`; counts it when so. */
  admit(ip: string, account: string): boolean {
    const now = this.#now();
    const accounts = this.#byIp.get(ip) ?? new Map<string, number>();
    this.#byIp.delete(ip);
    this.#byIp.set(ip, accounts);
    for (const [known, until] of accounts) if (until <= now) accounts.delete(known);
    if (!accounts.has(account) && accounts.size >= this.#accountsPerIp) return false;
    accounts.set(account, now + this.#windowMs);
    if (this.#byIp.size > this.#maxIps) {
      const oldest = this.#byIp.keys().next();
      if (!oldest.done) this.#byIp.delete(oldest.value);
    }
    return true;
  }

  /** Forgets IPs whose every slot has ended. */
  sweep(): void {
    const now = this.#now();
    for (const [ip, accounts] of this.#byIp) {
      for (const [account, until] of accounts) if (until <= now) accounts.delete(account);
      if (accounts.size === 0) this.#byIp.delete(ip);
    }
  }

  /** Client IPs remembered now. */
  get size(): number {
    return this.#byIp.size;
  }
}
