/**
 * Checked access to the api's metadata-decorated sections. The api is not augmented for the
 * Stardust runtime, so `api.tx.livestream` is `T | undefined` under `noUncheckedIndexedAccess`.
 */
import type { ApiPromise } from '@polkadot/api';
import type { QueryableStorageEntry, SubmittableExtrinsic } from '@polkadot/api/types';
import type { Event } from '@polkadot/types/interfaces';

type WithQuery = Pick<ApiPromise, 'query'>;

/** `api.tx[section][method](...args)` */
export function tx(
  api: ApiPromise,
  section: string,
  method: string,
  ...args: unknown[]
): SubmittableExtrinsic<'promise'> {
  const fn = api.tx[section]?.[method];
  if (!fn) throw new Error(`no call ${section}.${method}`);
  return fn(...args);
}

/** `api.query[section][item]` (at the head, or on `await api.at(hash)`). */
export function storage(api: WithQuery, section: string, item: string): QueryableStorageEntry<'promise'> {
  const entry = api.query[section]?.[item];
  if (!entry) throw new Error(`no storage ${section}.${item}`);
  return entry;
}

/** `api.events[section][method].is(event)` */
export function isEvent(api: ApiPromise, section: string, method: string, event: Event): boolean {
  const check = api.events[section]?.[method];
  if (!check) throw new Error(`no event ${section}.${method}`);
  return check.is(event);
}
