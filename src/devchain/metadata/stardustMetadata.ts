/**
 * The Stardust runtime's metadata, as far as this backend and a polkadot.js client touch it:
 * System, Timestamp, Aura, Grandpa, Balances, TransactionPayment, Sudo, Session and Livestream (index 43) with the real
 * pallet's types, storage, calls, events, errors and constants. Each pallet is described by its own
 * builder in `pallets/`; this file assembles them.
 *
 * This is the ONE place that describes the runtime's shape. To serve a captured `state_getMetadata`
 * of the real node instead, replace `buildStardustMetadata` and keep the exported names.
 */
import { buildCommonTypes } from './commonTypes.js';
import { buildExtrinsicTypes } from './extrinsicType.js';
import type { PalletSpec } from './PalletSpec.js';
import { auraPallet } from './pallets/auraPallet.js';
import { balancesPallet } from './pallets/balancesPallet.js';
import { grandpaPallet } from './pallets/grandpaPallet.js';
import { livestreamPallet } from './pallets/livestreamPallet.js';
import { sessionPallet } from './pallets/sessionPallet.js';
import { sudoPallet } from './pallets/sudoPallet.js';
import { systemPallet } from './pallets/systemPallet.js';
import { timestampPallet } from './pallets/timestampPallet.js';
import { transactionPaymentPallet } from './pallets/transactionPaymentPallet.js';
import { buildRuntimeApis } from './runtimeApis.js';
import type { PalletName } from './runtimeConstants.js';
import type { StorageItemDef } from './storageItem.js';
import { TypeTable } from './TypeTable.js';

export * from './palletErrors.js';
export * from './runtimeConstants.js';
export type { Hasher, StorageItemDef } from './storageItem.js';

type EventPalletName = Exclude<PalletName, 'Timestamp' | 'Aura' | 'Session'>;

/** Lookup ids the runtime needs to encode values with the registry. */
export interface RuntimeTypeIds {
  eventRecords: number;
  dispatchError: number;
  /** The pallet event enum per pallet. */
  palletEvent: Record<EventPalletName, number>;
}

export interface StardustMetadata {
  /** The V14 `RuntimeMetadataPrefixed` JSON, ready for `new Metadata(registry, json)` (`state_getMetadata`). */
  json: { magicNumber: number; metadata: { v14: unknown } };
  /** The same runtime as metadata V15: with runtime APIs, outer enums and pallet docs. */
  jsonV15: { magicNumber: number; metadata: { v15: unknown } };
  /** Every storage item, keyed `Pallet.Item`. */
  storage: Record<string, StorageItemDef>;
  typeIds: RuntimeTypeIds;
}

const METADATA_MAGIC = 0x6174656d; // "meta"

export function buildStardustMetadata(): StardustMetadata {
  const t = new TypeTable();
  const common = buildCommonTypes(t);
  const pallets: PalletSpec[] = [
    systemPallet(t, common),
    timestampPallet(t, common),
    auraPallet(t, common),
    grandpaPallet(t, common),
    balancesPallet(t, common),
    transactionPaymentPallet(t, common),
    sudoPallet(t, common),
    sessionPallet(common),
    livestreamPallet(t, common),
  ];
  fillOuterEnum(t, common.runtimeEvent, 'stardust_runtime::RuntimeEvent', pallets, 'events', 'Event');
  fillOuterEnum(t, common.runtimeCall, 'stardust_runtime::RuntimeCall', pallets, 'calls', 'Call');
  const runtimeError = t.reserve();
  fillOuterEnum(t, runtimeError, 'stardust_runtime::RuntimeError', pallets, 'errors', 'Error');
  const extrinsic = buildExtrinsicTypes(t, common);
  const runtime = t.composite('stardust_runtime::Runtime', []);
  const apis = buildRuntimeApis(t, common, extrinsic.uncheckedExtrinsic);

  const storage: Record<string, StorageItemDef> = {};
  for (const p of pallets) for (const s of p.storage) storage[`${s.pallet}.${s.name}`] = s;
  const palletEvent = Object.fromEntries(
    pallets.filter((p) => p.events !== null).map((p) => [p.name, p.events]),
  ) as Record<EventPalletName, number>;

  const palletsJson = pallets.map((p) => palletJson(t, p));
  const v14 = {
    lookup: { types: t.types },
    pallets: palletsJson,
    extrinsic: {
      type: extrinsic.uncheckedExtrinsic,
      version: 4,
      signedExtensions: extrinsic.signedExtensions,
    },
    type: runtime,
  };
  const v15 = {
    lookup: { types: t.types },
    pallets: palletsJson.map((p) => ({ ...p, docs: [] })),
    extrinsic: {
      version: 4,
      addressType: common.multiAddress,
      callType: common.runtimeCall,
      signatureType: common.multiSignature,
      extraType: extrinsic.extra,
      signedExtensions: extrinsic.signedExtensions,
    },
    type: runtime,
    apis,
    outerEnums: { callType: common.runtimeCall, eventType: common.runtimeEvent, errorType: runtimeError },
    custom: { map: {} },
  };
  return {
    json: { magicNumber: METADATA_MAGIC, metadata: { v14 } },
    jsonV15: { magicNumber: METADATA_MAGIC, metadata: { v15 } },
    storage,
    typeIds: { eventRecords: common.eventRecords, dispatchError: common.dispatchError, palletEvent },
  };
}

function fillOuterEnum(
  t: TypeTable,
  id: number,
  path: string,
  pallets: readonly PalletSpec[],
  part: 'events' | 'calls' | 'errors',
  kind: 'Event' | 'Call' | 'Error',
): void {
  t.fillVariant(
    id,
    path,
    pallets.flatMap((p) => {
      const type = p[part];
      return type === null
        ? []
        : [{ name: p.name, index: p.index, fields: [[null, type, `${p.crate}::${kind}<Runtime>`] as const] }];
    }),
  );
}

function palletJson(t: TypeTable, p: PalletSpec): Record<string, unknown> {
  return {
    name: p.name,
    index: p.index,
    storage: p.storage.length
      ? {
          prefix: p.name,
          items: p.storage.map((s) => ({
            name: s.name,
            modifier: s.modifier,
            type:
              s.keys.length === 0
                ? { Plain: s.value }
                : {
                    Map: {
                      hashers: s.hashers,
                      key: s.keys.length === 1 ? s.keys[0] : t.tuple(s.keys),
                      value: s.value,
                    },
                  },
            fallback: s.fallback,
            docs: [],
          })),
        }
      : null,
    calls: p.calls === null ? null : { type: p.calls },
    events: p.events === null ? null : { type: p.events },
    constants: p.constants.map((c) => ({ ...c, docs: [] })),
    errors: p.errors === null ? null : { type: p.errors },
  };
}
