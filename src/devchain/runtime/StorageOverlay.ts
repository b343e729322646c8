import type { Codec, Registry } from '@polkadot/types/types';
import { hexToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsU8a, xxhashAsU8a } from '@polkadot/util-crypto';
import type { BlockStore, Hex, StoredBlock } from '../BlockStore.js';
import type { Hasher, StorageItemDef } from '../metadata/stardustMetadata.js';

/**
 * Typed storage over a block's state (the head's by default), collecting a block's changes. `transactional` layers let a
 * failed dispatch roll back its writes (and its events) while the extrinsic is still included.
 */
export class StorageOverlay {
  readonly #store: BlockStore;
  readonly #registry: Registry;
  readonly #items: Record<string, StorageItemDef>;
  readonly #layers: Map<Hex, Hex | null>[] = [new Map()];
  readonly #prefixes = new Map<string, Uint8Array>();
  /** The block whose state this overlays (undefined: the best head). */
  readonly #at: StoredBlock | undefined;

  constructor(
    store: BlockStore,
    registry: Registry,
    items: Record<string, StorageItemDef>,
    at?: StoredBlock,
  ) {
    this.#store = store;
    this.#at = at;
    this.#registry = registry;
    this.#items = items;
  }

  /** The block's changes so far (committed layers only). */
  get changes(): Map<Hex, Hex | null> {
    if (this.#layers.length !== 1) throw new Error('a transactional layer is still open');
    return this.#layers[0] as Map<Hex, Hex | null>;
  }

  transactional<T>(fn: () => T): T {
    this.#layers.push(new Map());
    try {
      const result = fn();
      const layer = this.#layers.pop() as Map<Hex, Hex | null>;
      const parent = this.#layers[this.#layers.length - 1] as Map<Hex, Hex | null>;
      for (const [k, v] of layer) parent.set(k, v);
      return result;
    } catch (error) {
      this.#layers.pop();
      throw error;
    }
  }

  getRaw(key: Hex): Hex | null {
    for (let i = this.#layers.length - 1; i >= 0; i--) {
      const layer = this.#layers[i] as Map<Hex, Hex | null>;
      if (layer.has(key)) return layer.get(key) ?? null;
    }
    return this.#store.get(key, this.#at);
  }

  setRaw(key: Hex, value: Hex | null): void {
    (this.#layers[this.#layers.length - 1] as Map<Hex, Hex | null>).set(key, value);
  }

  key(item: string, keys: readonly unknown[] = []): Hex {
    const def = this.#def(item);
    const parts: Uint8Array[] = [this.#prefix(def)];
    def.keys.forEach((typeId, i) => {
      const encoded = this.encode(typeId, keys[i]);
      parts.push(hash(def.hashers[i] as Hasher, encoded));
    });
    return u8aToHex(u8aConcat(...parts));
  }

  /** Decoded value, or null when absent (the fallback is NOT applied: callers choose defaults). */
  get(item: string, keys: readonly unknown[] = []): Codec | null {
    const raw = this.getRaw(this.key(item, keys));
    return raw === null ? null : this.decode(this.#def(item).value, raw);
  }

  /** Decoded value with ValueQuery semantics: the metadata fallback when absent. */
  getOrDefault(item: string, keys: readonly unknown[] = []): Codec {
    const def = this.#def(item);
    return this.decode(def.value, this.getRaw(this.key(item, keys)) ?? def.fallback);
  }

  has(item: string, keys: readonly unknown[] = []): boolean {
    return this.getRaw(this.key(item, keys)) !== null;
  }

  set(item: string, keys: readonly unknown[], value: unknown): void {
    const def = this.#def(item);
    this.setRaw(this.key(item, keys), u8aToHex(this.encode(def.value, value)));
  }

  remove(item: string, keys: readonly unknown[] = []): void {
    this.setRaw(this.key(item, keys), null);
  }

  encode(typeId: number, value: unknown): Uint8Array {
    return this.#registry.createType(this.#registry.createLookupType(typeId), value).toU8a();
  }

  decode(typeId: number, raw: Hex | Uint8Array): Codec {
    // Always from bytes: a hex string would be read as a big-endian number for integer types.
    return this.#registry.createType(
      this.#registry.createLookupType(typeId),
      typeof raw === 'string' ? hexToU8a(raw) : raw,
    );
  }

  #def(item: string): StorageItemDef {
    const def = this.#items[item];
    if (!def) throw new Error(`unknown storage item ${item}`);
    return def;
  }

  #prefix(def: StorageItemDef): Uint8Array {
    const id = `${def.pallet}.${def.name}`;
    let prefix = this.#prefixes.get(id);
    if (!prefix) {
      prefix = u8aConcat(xxhashAsU8a(def.pallet, 128), xxhashAsU8a(def.name, 128));
      this.#prefixes.set(id, prefix);
    }
    return prefix;
  }
}

function hash(hasher: Hasher, data: Uint8Array): Uint8Array {
  switch (hasher) {
    case 'Blake2_128Concat':
      return u8aConcat(blake2AsU8a(data, 128), data);
    case 'Twox64Concat':
      return u8aConcat(xxhashAsU8a(data, 64), data);
    case 'Identity':
      return data;
  }
}
