import type { Call, Extrinsic, MultiAddress } from '@polkadot/types/interfaces';
import type { Registry } from '@polkadot/types/types';
import { compactToU8a, hexToU8a, u8aConcat, u8aToHex, u8aToU8a } from '@polkadot/util';
import { blake2AsHex, blake2AsU8a, signatureVerify } from '@polkadot/util-crypto';
import type { BlockStore, HeaderJson, Hex, NewBlock, StoredBlock } from '../BlockStore.js';
import type { InvalidTransactionKind, UnknownTransactionKind } from '../metadata/runtimeApis.js';
import { scaleUint } from '../metadata/scaleUint.js';
import {
  AURA_ENGINE_ID,
  PALLET_INDEX,
  RUNTIME_VERSION,
  SLOT_DURATION_MS,
  type StardustMetadata,
} from '../metadata/stardustMetadata.js';
import { applySignedExtrinsic } from './applyExtrinsic.js';
import { readAccount } from './balances.js';
import { callDispatchInfo } from './callDispatchInfo.js';
import { big } from './codecValues.js';
import { decodeExtrinsic } from './decodeExtrinsic.js';
import { ExecutionContext, type RuntimeEvent } from './ExecutionContext.js';
import { StorageOverlay } from './StorageOverlay.js';
import { canPayFee, computeFeeDetails, finalFee } from './transactionFees.js';
import type { ValidExtrinsic } from './ValidExtrinsic.js';
import { addWeights, EXTRINSIC_BASE_WEIGHT } from './weights.js';

/** A transaction-pool rejection, answered as the node's JSON-RPC error. */
export class InvalidTransaction extends Error {
  readonly code: number;
  /** The JSON-RPC error's `message` (e.g. "Invalid Transaction"); the reason goes in `data`. */
  readonly rpcMessage: string;
  readonly data: string;
  /** The runtime's `TransactionValidityError`, when the runtime (not the pool) refused it. */
  readonly validity: TransactionValidityErrorValue | undefined;

  constructor(code: number, message: string, data: string, validity?: TransactionValidityErrorValue) {
    super(`${message}: ${data}`);
    this.name = 'InvalidTransaction';
    this.code = code;
    this.rpcMessage = message;
    this.data = data;
    this.validity = validity;
  }
}

export type TransactionValidityErrorValue =
  | { Invalid: InvalidTransactionKind }
  | { Unknown: UnknownTransactionKind };

const invalid = (kind: InvalidTransactionKind, data: string) =>
  new InvalidTransaction(1010, 'Invalid Transaction', data, { Invalid: kind });
/** `InvalidTransaction::Payment`, as a node words it. */
export const CANNOT_PAY_FEES = 'Inability to pay some fees (e.g. account balance too low)';
const TIMESTAMP_SET_CALL_INDEX = 0;
/** `TransactionLongevity::max_value()`. */
const IMMORTAL_LONGEVITY = 2n ** 64n - 1n;

export interface BlockResult {
  block: StoredBlock;
  events: RuntimeEvent[];
  /** Extrinsics that failed their checks against the block's state (not included). */
  rejected: ValidExtrinsic[];
}

const PAYLOAD_HASH_THRESHOLD_BYTES = 256;
/** The version byte's top bit marks a signed extrinsic. */
const EXTRINSIC_VERSION_MASK = 0x7f;

const PHASE = { ApplyExtrinsic: 0, Finalization: 1, Initialization: 2 } as const;

/** Executes blocks: validates signed extrinsics as a node's pool would and applies them. */
export class Runtime {
  readonly registry: Registry;
  readonly #meta: StardustMetadata;
  readonly #store: BlockStore;

  constructor(registry: Registry, meta: StardustMetadata, store: BlockStore) {
    this.registry = registry;
    this.#meta = meta;
    this.#store = store;
  }

  /** Storage at block `at` (default: the best head). */
  newOverlay(at?: StoredBlock): StorageOverlay {
    return new StorageOverlay(this.#store, this.registry, this.#meta.storage, at);
  }

  /** Account nonce at the head (or at block `at`). */
  accountNonce(who: Uint8Array, at: StoredBlock = this.#store.head): number {
    return readAccount(new ExecutionContext(this.newOverlay(at), at.number), who).nonce;
  }

  /**
   * Checks an extrinsic as the runtime's `validate_transaction` does, against the state at `at`
   * (default: the best head). A nonce above the account's is valid (the pool keeps it as a future
   * transaction).
   */
  validate(hex: string, at: StoredBlock = this.#store.head): ValidExtrinsic {
    let ext: Extrinsic;
    const bytes = hexToU8a(hex);
    let size: number;
    try {
      ({ ext, size } = decodeExtrinsic(this.registry, bytes));
    } catch (error) {
      throw new InvalidTransaction(
        1002,
        'Verification Error',
        `Could not decode extrinsic: ${String(error)}`,
      );
    }
    if (size !== bytes.length) {
      throw new InvalidTransaction(1002, 'Verification Error', 'Could not decode extrinsic: trailing bytes');
    }
    if (!ext.isSigned) {
      throw new InvalidTransaction(
        1011,
        'Unknown Transaction Validity',
        'Could not find an unsigned validator for the unsigned transaction',
        { Unknown: 'NoUnsignedValidator' },
      );
    }
    const signer = ext.signer as unknown as MultiAddress;
    if (signer.type !== 'Id') throw invalid('BadProof', 'Transaction has a bad signature');
    const who = signer.value.toU8a();
    const head = at;
    const era = ext.era;
    let birthHash = this.#store.genesis.hash;
    let longevity = IMMORTAL_LONGEVITY;
    if (era.isMortalEra) {
      const mortal = era.asMortalEra;
      const current = head.number;
      const birth = mortal.birth(current);
      const birthBlock = this.#store.ancestorAt(head, birth);
      if (!birthBlock || mortal.death(current) <= current)
        throw invalid('AncientBirthBlock', 'Transaction has an ancient birth block');
      birthHash = birthBlock.hash;
      longevity = BigInt(mortal.death(current) - current);
    }
    const signature = ext.signature as unknown as { mode?: { toNumber(): number } };
    if (signature.mode && signature.mode.toNumber() !== 0)
      throw invalid('BadProof', 'Transaction has a bad signature');
    const payload = this.registry.createType(
      'ExtrinsicPayload',
      {
        method: ext.method.toHex(),
        era: ext.era,
        nonce: ext.nonce,
        tip: ext.tip,
        specVersion: RUNTIME_VERSION.specVersion,
        transactionVersion: RUNTIME_VERSION.transactionVersion,
        genesisHash: this.#store.genesis.hash,
        blockHash: birthHash,
        mode: 0,
        metadataHash: null,
      },
      { version: ext.version & EXTRINSIC_VERSION_MASK },
    );
    let message = payload.toU8a({ method: true });
    if (message.length > PAYLOAD_HASH_THRESHOLD_BYTES) message = blake2AsU8a(message);
    const multiSignature = (ext.inner.signature as unknown as { multiSignature: { toU8a(): Uint8Array } })
      .multiSignature;
    const check = signatureVerify(message, multiSignature.toU8a(), who);
    if (!check.isValid || check.isWrapped) throw invalid('BadProof', 'Transaction has a bad signature');
    // The signature is checked first (`Checkable::check`), then the extensions: CheckNonce refuses
    // accounts that do not exist, then stale nonces.
    const account = readAccount(new ExecutionContext(this.newOverlay(head), head.number), who);
    if (account.providers === 0 && account.sufficients === 0) throw invalid('Payment', CANNOT_PAY_FEES);
    const nonce = ext.nonce.toNumber();
    if (nonce < account.nonce) throw invalid('Stale', 'Transaction is outdated');
    const len = ext.encodedLength;
    const tip = ext.tip.toBigInt();
    const call = ext.method as Call;
    if (!canPayFee(account, finalFee(computeFeeDetails(len, callDispatchInfo(call, true), tip)))) {
      throw invalid('Payment', CANNOT_PAY_FEES);
    }
    return {
      hex: ext.toHex() as Hex,
      hash: blake2AsHex(u8aToU8a(hex)) as Hex,
      signer: who,
      nonce,
      tip,
      len,
      call,
      longevity,
    };
  }

  /**
   * Builds, executes and stores a block on `parent` (not yet the best head). Extrinsics that fail
   * their checks against the block's state are left out and returned as `rejected`, or, with
   * `requireAll`, the block is refused. A block identical to one already stored (same parent, same
   * extrinsics, same timestamp) is built a millisecond later, so every fork block has its own hash.
   */
  buildBlock(
    parent: StoredBlock,
    extrinsics: readonly ValidExtrinsic[],
    timestampMs: number,
    requireAll = false,
  ): BlockResult {
    for (let ts = timestampMs; ; ts++) {
      const built = this.#execute(parent, extrinsics, ts);
      if (requireAll && built.rejected.length > 0) {
        throw new InvalidTransaction(
          1010,
          'Invalid Transaction',
          `Extrinsic ${built.rejected[0]?.hash} cannot be applied on block ${parent.hash}`,
        );
      }
      if (this.#store.byHash(built.block.hash)) continue;
      const block = this.#store.import(built.block, parent, built.changes);
      return { block, events: built.events, rejected: built.rejected };
    }
  }

  #execute(parent: StoredBlock, extrinsics: readonly ValidExtrinsic[], timestampMs: number) {
    const number = parent.number + 1;
    const overlay = this.newOverlay(parent);
    const ctx = new ExecutionContext(overlay, number);
    overlay.set('System.Number', [], number);
    overlay.set('System.ParentHash', [], parent.hash);
    overlay.set('System.BlockHash', [parent.number], parent.hash);

    const previousNow = Number(big(overlay.getOrDefault('Timestamp.Now')));
    const now = Math.max(timestampMs, previousNow + 1);
    ctx.setPhase(0);
    overlay.set('Timestamp.Now', [], now);
    const slot = Math.floor(now / SLOT_DURATION_MS);
    overlay.set('Aura.CurrentSlot', [], slot);
    const inherent = this.#timestampInherent(now);
    const inherentInfo = callDispatchInfo(inherent.method as Call, false);
    ctx.emit('System', 'ExtrinsicSuccess', {
      dispatchInfo: {
        weight: addWeights(inherentInfo.callWeight, EXTRINSIC_BASE_WEIGHT),
        class: inherentInfo.class,
        paysFee: inherentInfo.paysFee,
      },
    });
    const bodies: Hex[] = [inherent.toHex() as Hex];
    const rejected: ValidExtrinsic[] = [];

    for (const ext of extrinsics) {
      ctx.setPhase(bodies.length);
      // A failed check leaves no trace in the block: no events, no state.
      if (applySignedExtrinsic(ctx, ext)) bodies.push(ext.hex);
      else rejected.push(ext);
    }
    ctx.setPhase(null);
    const events = [...ctx.events];
    overlay.setRaw(overlay.key('System.Events'), u8aToHex(this.encodeEvents(events)));
    overlay.set('System.EventCount', [], events.length);

    const changes = overlay.changes;
    const header: HeaderJson = {
      parentHash: parent.hash,
      number: `0x${number.toString(16)}`,
      stateRoot: stateRoot(parent.header.stateRoot, changes),
      extrinsicsRoot: blake2AsHex(u8aConcat(...bodies.map((b) => u8aToU8a(b)))) as Hex,
      digest: { logs: [auraPreDigest(slot)] },
    };
    const block: NewBlock = { number, hash: this.headerHash(header), header, extrinsics: bodies };
    return { block, changes, events, rejected };
  }

  headerHash(header: HeaderJson): Hex {
    return this.registry.createType('Header', header).hash.toHex() as Hex;
  }

  encodeEvents(events: readonly RuntimeEvent[]): Uint8Array {
    const records = events.map((event) => {
      const phase =
        event.phase === null
          ? new Uint8Array([PHASE.Finalization])
          : u8aConcat(new Uint8Array([PHASE.ApplyExtrinsic]), scaleUint(event.phase, 4));
      const palletEvent = this.registry
        .createType(this.registry.createLookupType(this.#meta.typeIds.palletEvent[event.pallet]), {
          [event.name]: event.data,
        })
        .toU8a();
      return u8aConcat(phase, new Uint8Array([PALLET_INDEX[event.pallet]]), palletEvent, new Uint8Array([0]));
    });
    return u8aConcat(compactToU8a(records.length), ...records);
  }

  #timestampInherent(now: number): Extrinsic {
    const method = this.registry.createType('Call', {
      callIndex: [PALLET_INDEX.Timestamp, TIMESTAMP_SET_CALL_INDEX],
      args: { now },
    });
    return this.registry.createType('Extrinsic', { method });
  }
}

const DIGEST_PRE_RUNTIME = 6;

/** `DigestItem::PreRuntime(*b"aura", slot.encode())`, as an Aura author puts in every header. */
function auraPreDigest(slot: number): Hex {
  const encodedSlot = scaleUint(slot, 8);
  return u8aToHex(
    u8aConcat(
      new Uint8Array([DIGEST_PRE_RUNTIME]),
      hexToU8a(AURA_ENGINE_ID),
      compactToU8a(encodedSlot.length),
      encodedSlot,
    ),
  ) as Hex;
}

/** Not a trie root, but deterministic and different whenever the state changes. */
export function stateRoot(parentRoot: Hex, changes: Map<Hex, Hex | null>): Hex {
  const parts: string[] = [parentRoot];
  for (const key of [...changes.keys()].sort()) parts.push(key, changes.get(key) ?? '-');
  return blake2AsHex(parts.join('')) as Hex;
}
