/**
 * The loopback source address of client `index` when each address holds `perAddress` clients
 * (127.0.1.1, 127.0.1.2, …): spreads a test's clients past a per-address budget that the test is
 * not about, as many users behind their own addresses would be. 127.0.0.1 stays the test's own.
 */
export function loopbackSourceAddress(index: number, perAddress: number): string {
  const address = Math.floor(index / perAddress);
  return `127.0.${1 + Math.floor(address / 254)}.${1 + (address % 254)}`;
}
