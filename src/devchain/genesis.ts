import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { stringToU8a, u8aToHex } from '@polkadot/util';
import { TRANSACTION_PAYMENT_STORAGE_VERSION } from './metadata/pallets/transactionPaymentPallet.js';
import { runtimeCodeBlob } from './metadata/runtimeVersion.js';
import { FEE_MULTIPLIER_FIXED, UNIT } from './metadata/stardustMetadata.js';
import { endow } from './runtime/balances.js';
import type { ExecutionContext } from './runtime/ExecutionContext.js';

export const DEV_ACCOUNT_NAMES = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'] as const;
export type DevAccountName = (typeof DEV_ACCOUNT_NAMES)[number];

/** The well-known `:code` key, where a node keeps the runtime. */
export const CODE_KEY = u8aToHex(stringToU8a(':code'));

export const GENESIS_ENDOWMENT = 1_000_000n * UNIT;

/** The dev accounts (`//Alice` …) as sr25519 keyring pairs, SS58 prefix 42. */
export function devPairs(): Record<DevAccountName, KeyringPair> {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  return Object.fromEntries(
    DEV_ACCOUNT_NAMES.map((name) => [name, keyring.addFromUri(`//${name}`)]),
  ) as Record<DevAccountName, KeyringPair>;
}

const GRANDPA_AUTHORITY_WEIGHT = 1;

/** A dev account's GRANDPA key: the ed25519 key of the same URI (`//Alice`). */
export function grandpaKey(name: DevAccountName): Uint8Array {
  return new Keyring({ type: 'ed25519' }).addFromUri(`//${name}`).publicKey;
}

/** Genesis as in the Stardust dev preset: endowed dev accounts, //Alice as sudo and sole authority, no gifts, fee multiplier 1. */
export function writeGenesis(ctx: ExecutionContext, pairs: Record<DevAccountName, KeyringPair>): void {
  let issuance = 0n;
  for (const name of DEV_ACCOUNT_NAMES) {
    endow(ctx, pairs[name].publicKey, GENESIS_ENDOWMENT);
    issuance += GENESIS_ENDOWMENT;
  }
  ctx.storage.set('Balances.TotalIssuance', [], issuance);
  ctx.storage.set('Sudo.Key', [], pairs.Alice.publicKey);
  // One authority, as the dev preset: //Alice authors every block (Aura, sr25519) and finalizes
  // them (GRANDPA, ed25519, weight 1).
  ctx.storage.set('Aura.Authorities', [], [pairs.Alice.publicKey]);
  ctx.storage.set('Grandpa.Authorities', [], [[grandpaKey('Alice'), GRANDPA_AUTHORITY_WEIGHT]]);
  // The same //Alice as the one session validator (session 0 forever), through which clients name the author.
  ctx.storage.set('Session.Validators', [], [pairs.Alice.publicKey]);
  // pallet_transaction_payment's genesis: the multiplier (1) and its storage version.
  ctx.storage.set('TransactionPayment.NextFeeMultiplier', [], FEE_MULTIPLIER_FIXED);
  ctx.storage.set('TransactionPayment.StorageVersion', [], TRANSACTION_PAYMENT_STORAGE_VERSION);
  ctx.storage.setRaw(CODE_KEY, u8aToHex(runtimeCodeBlob()));
}
