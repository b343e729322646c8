/**
 * Remembers `compute(key)` for up to `maxEntries` keys, then forgets them all and starts again: a
 * memo for pure work over keys that recur (accounts, public keys) that random keys cannot grow.
 * Per module instance, so per thread.
 */
export function boundedMemo<V>(maxEntries: number, compute: (key: string) => V): (key: string) => V {
  const remembered = new Map<string, V>();
  return (key) => {
    if (remembered.has(key)) return remembered.get(key) as V;
    const value = compute(key);
    if (remembered.size >= maxEntries) remembered.clear();
    remembered.set(key, value);
    return value;
  };
}
