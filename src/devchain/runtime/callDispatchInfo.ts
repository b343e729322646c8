import type { Call } from '@polkadot/types/interfaces';
import type { Codec } from '@polkadot/types/types';
import { bytes } from './codecValues.js';
import type { DispatchInfo } from './transactionFees.js';
import {
  addWeights,
  type DispatchClass,
  dbWeight,
  SIGNED_EXTENSIONS_WEIGHT,
  type Weight,
  weight,
} from './weights.js';

/** Call weights from the pallets' `#[pallet::weight]` (sources in `weights.ts`). */
const CALL_WEIGHTS: Record<string, Weight> = {
  'balances.transferAllowDeath': addWeights(weight(48_363_000, 3_593), dbWeight(1, 1)),
  'balances.transferKeepAlive': addWeights(weight(38_159_000, 3_593), dbWeight(1, 1)),
  'sudo.setKey': addWeights(weight(9_663_000, 1_517), dbWeight(1, 1)),
  // pallet-livestream's `WeightInfo for ()`, which the runtime configures.
  'livestream.createRoom': weight(50_000_000),
  'livestream.startLive': weight(30_000_000),
  'livestream.pauseLive': weight(25_000_000),
  'livestream.resumeLive': weight(25_000_000),
  'livestream.endLive': weight(40_000_000),
  'livestream.updateRoom': weight(35_000_000),
  'livestream.buyTicket': weight(45_000_000),
  'livestream.sendGift': weight(60_000_000),
  'livestream.withdrawEarnings': weight(35_000_000),
  'livestream.syncLiveStats': weight(25_000_000),
  'livestream.kickViewer': weight(30_000_000),
  'livestream.removeFromBlacklist': weight(30_000_000),
  'livestream.banRoom': weight(40_000_000),
  'livestream.startCoHost': weight(35_000_000),
  'livestream.endCoHost': weight(35_000_000),
  'livestream.createGift': weight(40_000_000),
  'livestream.updateGift': weight(25_000_000),
};

const SUDO_WEIGHT = addWeights(weight(10_729_000, 1_517), dbWeight(1, 0));
/** `pallet_timestamp::set` with `on_finalize` (a documented constant: the inherent pays nothing). */
const TIMESTAMP_SET_WEIGHT = weight(5_000_000, 1_500);

function firstArg(call: Call): Codec {
  const arg = call.args[0];
  if (!arg) throw new Error(`${call.section}.${call.method} has no argument`);
  return arg;
}

/** The call's weight and class before dispatch (`GetDispatchInfo`), without the extensions. */
function callInfo(call: Call): { weight: Weight; class: DispatchClass } {
  const name = `${call.section}.${call.method}`;
  switch (name) {
    case 'system.remark':
      return { weight: weight(2_119_000n + 390n * BigInt(bytes(firstArg(call)).length)), class: 'Normal' };
    case 'system.remarkWithEvent':
      return {
        weight: weight(8_097_000n + 1_455n * BigInt(bytes(firstArg(call)).length)),
        class: 'Normal',
      };
    case 'sudo.sudo': {
      // `sudo` weighs its own check plus the inner call, in the inner call's class.
      const inner = callInfo(firstArg(call) as Call);
      return { weight: addWeights(SUDO_WEIGHT, inner.weight), class: inner.class };
    }
    case 'timestamp.set':
      return { weight: TIMESTAMP_SET_WEIGHT, class: 'Mandatory' };
    default: {
      const known = CALL_WEIGHTS[name];
      if (!known) throw new Error(`no weight for ${name}`);
      return { weight: known, class: 'Normal' };
    }
  }
}

/** `GetDispatchInfo` of an extrinsic: a signed one also carries its extensions' weight. */
export function callDispatchInfo(call: Call, signed: boolean): DispatchInfo {
  const info = callInfo(call);
  return {
    callWeight: info.weight,
    extensionWeight: signed ? SIGNED_EXTENSIONS_WEIGHT : weight(0),
    class: info.class,
    paysFee: 'Yes',
  };
}
