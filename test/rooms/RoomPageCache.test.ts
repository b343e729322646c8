import { describe, expect, it } from 'vitest';
import { jsonPage } from '../../src/rooms/jsonPage.js';
import { MAX_CACHED_PAGES, RoomPageCache } from '../../src/rooms/RoomPageCache.js';

describe('RoomPageCache', () => {
  it('keeps pages of the current state and forgets them all when the state changes', () => {
    const cache = new RoomPageCache();
    const page = jsonPage({ rooms: [] });
    cache.set('1:0', 'all', page);
    expect(cache.get('1:0', 'all')).toBe(page);
    expect(cache.get('1:1', 'all')).toBeUndefined();
    cache.set('1:1', 'other', page);
    expect(cache.get('1:0', 'all')).toBeUndefined();
    expect(cache.get('1:1', 'all')).toBeUndefined();
  });

  it('starts over once it holds its maximum of pages (bounded memory under many filters)', () => {
    const cache = new RoomPageCache();
    const page = jsonPage({});
    for (let i = 0; i < MAX_CACHED_PAGES; i++) cache.set('v', `k${i}`, page);
    expect(cache.get('v', 'k0')).toBe(page);
    cache.set('v', 'one-more', page);
    expect(cache.get('v', 'k0')).toBeUndefined();
    expect(cache.get('v', 'one-more')).toBe(page);
  });
});

describe('jsonPage', () => {
  it('serializes once and tags the body as Express would (weak ETag of length and SHA-1)', () => {
    const page = jsonPage({ a: 1 });
    expect(page.body.toString()).toBe('{"a":1}');
    expect(page.etag).toBe('W/"7-n4nHQM60bXQYySSnisV5QdXpZSA"');
  });
});
