/**
 * Child entry of the benchmark: signs viewer-token request bodies `[from, from + count)` and writes
 * them as a JSON array of strings to `out`. Body i comes from account `i mod accounts`, so consecutive
 * requests come from different accounts; each (account, message) pair is unique because the i-th body
 * of an account carries the timestamp `baseTimestamp - floor(i / accounts)`.
 *
 * Usage: `node --import tsx bench/http/signBodies.ts <from> <count> <accounts> <roomId> <baseTimestamp> <out>`
 */
import { writeFileSync } from 'node:fs';
import { stringToU8a, u8aToHex } from '@polkadot/util';
import { blake2AsU8a, cryptoWaitReady, encodeAddress } from '@polkadot/util-crypto';
import { sr25519KeypairFromSeed, sr25519Sign } from '@polkadot/wasm-crypto';
import { SS58_PREFIX } from '../../src/auth/parseAccount.js';
import { roomMessage } from '../../src/auth/signedMessages.js';

const SECRET_KEY_BYTES = 64;

const [from, count, accounts, roomId, baseTimestamp] = process.argv.slice(2, 7).map(Number);
const out = process.argv[7];
if (
  from === undefined ||
  count === undefined ||
  accounts === undefined ||
  roomId === undefined ||
  baseTimestamp === undefined ||
  out === undefined ||
  ![from, count, accounts, roomId, baseTimestamp].every(Number.isSafeInteger)
) {
  throw new Error('usage: signBodies.ts <from> <count> <accounts> <roomId> <baseTimestamp> <out>');
}

// wasm sign: the pure-JS sr25519 of util-crypto 14 would make this setup take minutes.
await cryptoWaitReady();
const keys = new Map<number, { secretKey: Uint8Array; publicKey: Uint8Array; address: string }>();
function keyOf(account: number) {
  let key = keys.get(account);
  if (!key) {
    // Derived from a hash rather than `//Bench/i` through the keyring: the same kind of key, ~10x cheaper.
    const pair = sr25519KeypairFromSeed(blake2AsU8a(stringToU8a(`//Bench/${account}`)));
    const publicKey = pair.slice(SECRET_KEY_BYTES);
    key = {
      secretKey: pair.slice(0, SECRET_KEY_BYTES),
      publicKey,
      address: encodeAddress(publicKey, SS58_PREFIX),
    };
    keys.set(account, key);
  }
  return key;
}

const bodies: string[] = [];
for (let i = from; i < from + count; i += 1) {
  const key = keyOf(i % accounts);
  const timestamp = baseTimestamp - Math.floor(i / accounts);
  const message = stringToU8a(roomMessage(roomId, timestamp));
  const signature = u8aToHex(sr25519Sign(key.publicKey, key.secretKey, message));
  bodies.push(JSON.stringify({ roomId, viewerAddress: key.address, signature, timestamp }));
}
writeFileSync(out, JSON.stringify(bodies));
