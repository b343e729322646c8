import type { ModuleErrorName, PalletName, TokenErrorName } from '../metadata/stardustMetadata.js';
import { MODULE_ERRORS, PALLET_INDEX } from '../metadata/stardustMetadata.js';

type ModulePallet = keyof ModuleErrorName;

/** The encodable `sp_runtime::DispatchError` value (the registry's JSON input form). */
export type DispatchErrorValue =
  | 'BadOrigin'
  | 'CannotLookup'
  | 'ConsumerRemaining'
  | { Module: { index: number; error: number[] } }
  | { Token: TokenErrorName }
  | { Arithmetic: 'Underflow' | 'Overflow' | 'DivisionByZero' };

/** Thrown by a call to fail its dispatch; the extrinsic is still included, with `ExtrinsicFailed`. */
export class DispatchError extends Error {
  readonly value: DispatchErrorValue;

  constructor(value: DispatchErrorValue, label: string) {
    super(label);
    this.name = 'DispatchError';
    this.value = value;
  }

  static module<P extends ModulePallet>(pallet: P, error: ModuleErrorName[P]): DispatchError {
    const index = (MODULE_ERRORS[pallet] as readonly string[]).indexOf(error);
    if (index < 0) throw new Error(`unknown error ${pallet}.${error}`);
    return new DispatchError(
      { Module: { index: PALLET_INDEX[pallet as PalletName], error: [index, 0, 0, 0] } },
      `${pallet}.${error}`,
    );
  }

  static token(error: TokenErrorName): DispatchError {
    return new DispatchError({ Token: error }, `Token.${error}`);
  }

  static badOrigin(): DispatchError {
    return new DispatchError('BadOrigin', 'BadOrigin');
  }

  static consumerRemaining(): DispatchError {
    return new DispatchError('ConsumerRemaining', 'ConsumerRemaining');
  }

  static overflow(): DispatchError {
    return new DispatchError({ Arithmetic: 'Overflow' }, 'Arithmetic.Overflow');
  }
}

/** `ensure!(cond, err)` */
export function ensure(condition: boolean, error: () => DispatchError): asserts condition {
  if (!condition) throw error();
}
