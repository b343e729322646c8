import { compactAddLength, compactToU8a, hexToU8a, stringToU8a, u8aConcat } from '@polkadot/util';
import { RUNTIME_APIS, RUNTIME_VERSION } from './runtimeConstants.js';
import { scaleUint } from './scaleUint.js';

const u32 = (value: number) => scaleUint(value, 4);
const str = (value: string) => compactAddLength(stringToU8a(value));

/** SCALE `sp_version::RuntimeVersion`: the `System.Version` constant and `Core_version`'s answer. */
export function encodeRuntimeVersion(): Uint8Array {
  const v = RUNTIME_VERSION;
  return u8aConcat(
    str(v.specName),
    str(v.implName),
    u32(v.authoringVersion),
    u32(v.specVersion),
    u32(v.implVersion),
    compactToU8a(RUNTIME_APIS.length),
    ...RUNTIME_APIS.map(([id, version]) => u8aConcat(hexToU8a(id), u32(version))),
    u32(v.transactionVersion),
    [v.systemVersion],
  );
}

/**
 * The `:code` value: a wasm module without code whose `runtime_version` custom section carries the
 * encoded RuntimeVersion, as a real runtime blob does; its hash changes with the version.
 */
export function runtimeCodeBlob(): Uint8Array {
  const name = stringToU8a('runtime_version');
  const payload = u8aConcat(compactToU8a(name.length), name, encodeRuntimeVersion());
  const WASM_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const CUSTOM_SECTION = 0;
  return u8aConcat(WASM_HEADER, [CUSTOM_SECTION], leb128(payload.length), payload);
}

function leb128(value: number): Uint8Array {
  const out: number[] = [];
  let v = value;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return new Uint8Array(out);
}
