import { hexToU8a, stringToU8a } from '@polkadot/util';
import { decodeAddress } from '@polkadot/util-crypto';
import { sr25519Verify } from '@polkadot/wasm-crypto';
import express, { type Express } from 'express';
import { roomMessage } from '../../src/auth/signedMessages.js';
import type { TokenMinter } from '../../src/livekit/TokenMinter.js';

/**
 * Baseline (a): the least a server can do for a signed viewer token — parse the JSON body, verify
 * the sr25519 signature with wasm on the event loop, mint. No middleware, no validation library, no
 * replay guard, no chain check. Call after `cryptoWaitReady()`.
 */
export function bareTokenApp(minter: TokenMinter): Express {
  const app = express();
  app.use(express.json());
  app.post('/viewer-token', async (req, res) => {
    const body: unknown = req.body;
    const { roomId, viewerAddress, signature, timestamp } = (body ?? {}) as Record<string, unknown>;
    if (
      typeof roomId !== 'number' ||
      typeof viewerAddress !== 'string' ||
      typeof signature !== 'string' ||
      typeof timestamp !== 'number'
    ) {
      res.status(400).json({ error: 'VALIDATION_ERROR' });
      return;
    }
    const publicKey = decodeAddress(viewerAddress);
    const message = stringToU8a(roomMessage(roomId, timestamp));
    if (!sr25519Verify(hexToU8a(signature), message, publicKey)) {
      res.status(401).json({ error: 'INVALID_SIGNATURE' });
      return;
    }
    res.json(await minter.mint({ identity: viewerAddress, roomId, role: 'viewer' }));
  });
  return app;
}
