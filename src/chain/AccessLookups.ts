import { u8aToHex } from '@polkadot/util';
import { decodeAddress } from '@polkadot/util-crypto';
import type { ChainClient } from './ChainClient.js';
import type { ChainEvent } from './livestreamEvents.js';

/** Cached answers expire even without an event (a safety net, not the freshness mechanism). */
export const ACCESS_CACHE_TTL_MS = 30_000;
export const ACCESS_CACHE_MAX_ENTRIES = 50_000;
/** A room's whole blacklist is read for reconciliation; beyond this, only the first are seen. */
export const MAX_BLACKLIST_READ = 10_000;

type Kind = 'ticket' | 'blacklist' | 'blacklisted' | 'cohosts';

interface Entry {
  value: boolean | string[];
  expires: number;
}

export interface AccessLookupsOptions {
  chain: ChainClient;
  /** The block reads are made at: the last block the pipeline applied (best or finalized). */
  at: () => string | null;
  ttlMs?: number;
  now?: () => number;
}

/**
 * Ticket, blacklist and co-host lookups for token checks. Answers are cached and dropped when a
 * block's event changes them (or a retracted block's event changed them), so a ticket bought in
 * block N counts as soon as N is applied as a best block, and no longer once N is retracted.
 */
export class AccessLookups {
  readonly #chain: ChainClient;
  readonly #at: () => string | null;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, Entry>();
  /** Bumped by every invalidation: a read that raced one is not cached. */
  #epoch = 0;

  constructor(options: AccessLookupsOptions) {
    this.#chain = options.chain;
    this.#at = options.at;
    this.#ttlMs = options.ttlMs ?? ACCESS_CACHE_TTL_MS;
    this.#now = options.now ?? Date.now;
  }

  hasTicket(roomId: number, accountId: Uint8Array): Promise<boolean> {
    return this.#lookup('ticket', roomId, accountId, (at) => this.#chain.hasTicket(roomId, accountId, at));
  }

  isBlacklisted(roomId: number, accountId: Uint8Array): Promise<boolean> {
    return this.#lookup('blacklist', roomId, accountId, (at) =>
      this.#chain.isBlacklisted(roomId, accountId, at),
    );
  }

  /** The room's kicked accounts (SS58-42), up to `MAX_BLACKLIST_READ`. */
  blacklist(roomId: number): Promise<string[]> {
    return this.#lookup('blacklisted', roomId, null, (at) =>
      this.#chain.blacklist(roomId, MAX_BLACKLIST_READ, at),
    );
  }

  coHosts(roomId: number): Promise<string[]> {
    return this.#lookup('cohosts', roomId, null, (at) => this.#chain.coHosts(roomId, at));
  }

  /** Changes whenever an applied or retracted event may have changed an answer (compare before and after reads). */
  get epoch(): number {
    return this.#epoch;
  }

  /** Drops what the block's events changed. */
  apply(events: readonly ChainEvent[]): void {
    for (const event of events) {
      switch (event.name) {
        case 'TicketPurchased':
          this.#drop('ticket', event.roomId, event.data.buyer);
          break;
        case 'ViewerKicked':
        case 'ViewerUnbanned':
          this.#drop('blacklist', event.roomId, event.data.viewer);
          this.#drop('blacklisted', event.roomId, null);
          break;
        case 'CoHostStarted':
        case 'CoHostEnded':
        case 'LiveEnded':
        case 'RoomBanned':
          this.#drop('cohosts', event.roomId, null);
          break;
      }
    }
  }

  clear(): void {
    this.#cache.clear();
    this.#epoch++;
  }

  async #lookup<T extends boolean | string[]>(
    kind: Kind,
    roomId: number,
    accountId: Uint8Array | null,
    read: (at: string) => Promise<T>,
  ): Promise<T> {
    const key = cacheKey(kind, roomId, accountId ? u8aToHex(accountId) : null);
    const now = this.#now();
    const cached = this.#cache.get(key);
    if (cached && cached.expires > now) return cached.value as T;
    const at = this.#at();
    if (at === null) throw new Error('the chain has not been synchronised yet');
    const epoch = this.#epoch;
    const value = await read(at);
    if (epoch === this.#epoch) {
      if (this.#cache.size >= ACCESS_CACHE_MAX_ENTRIES) this.#evictOldest();
      this.#cache.set(key, { value, expires: now + this.#ttlMs });
    }
    return value;
  }

  #drop(kind: Kind, roomId: number, address: string | null): void {
    this.#epoch++;
    let account: string | null = null;
    if (address !== null) {
      try {
        account = u8aToHex(decodeAddress(address));
      } catch {
        account = null;
      }
    }
    this.#cache.delete(cacheKey(kind, roomId, account));
  }

  #evictOldest(): void {
    const oldest = this.#cache.keys().next();
    if (!oldest.done) this.#cache.delete(oldest.value);
  }
}

function cacheKey(kind: Kind, roomId: number, account: string | null): string {
  return account === null ? `${kind}:${roomId}` : `${kind}:${roomId}:${account}`;
}
