/**
 * Signs a livestream request body with a dev key, as the app does. Prints the JSON body.
 *
 *   npx tsx scripts/sign.ts --uri //Bob --room 0 [--field viewerAddress] [--type sr25519|ed25519|ecdsa]
 *                           [--timestamp MS] [--wrap] [--extra '{"type":"video"}']
 *   npx tsx scripts/sign.ts --uri //Bob --auth          # WebSocket auth frame
 */
import { parseArgs } from 'node:util';
import { Keyring } from '@polkadot/keyring';
import { stringToU8a, u8aToHex, u8aWrapBytes } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import type { KeypairType } from '@polkadot/util-crypto/types';
import { authMessage, roomMessage } from '../src/auth/signedMessages.js';

const TYPES: readonly KeypairType[] = ['sr25519', 'ed25519', 'ecdsa'];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      uri: { type: 'string', default: '//Alice' },
      room: { type: 'string' },
      field: { type: 'string', default: 'address' },
      type: { type: 'string', default: 'sr25519' },
      timestamp: { type: 'string' },
      wrap: { type: 'boolean', default: false },
      auth: { type: 'boolean', default: false },
      extra: { type: 'string' },
    },
  });
  const type = values.type as KeypairType;
  if (!TYPES.includes(type)) throw new Error(`--type must be one of ${TYPES.join(', ')}`);
  if (!values.auth && values.room === undefined) throw new Error('--room is required (or --auth)');
  await cryptoWaitReady();
  const pair = new Keyring({ type, ss58Format: 42 }).addFromUri(values.uri);
  const timestamp = values.timestamp === undefined ? Date.now() : Number(values.timestamp);
  const message = values.auth ? authMessage(timestamp) : roomMessage(Number(values.room), timestamp);
  const bytes = stringToU8a(message);
  const signature = u8aToHex(pair.sign(values.wrap ? u8aWrapBytes(bytes) : bytes));
  const extra = values.extra ? (JSON.parse(values.extra) as Record<string, unknown>) : {};
  const body = values.auth
    ? { type: 'auth', address: pair.address, signature, timestamp, ...extra }
    : { roomId: Number(values.room), [values.field]: pair.address, signature, timestamp, ...extra };
  process.stdout.write(`${JSON.stringify(body)}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
