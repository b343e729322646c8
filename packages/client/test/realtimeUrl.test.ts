import { describe, expect, it } from 'vitest';
import { realtimeUrl } from '../src/index.js';

describe('realtimeUrl', () => {
  it('maps the API base URL to its WebSocket endpoint', () => {
    expect(realtimeUrl('http://127.0.0.1:3001')).toBe('ws://127.0.0.1:3001/ws');
    expect(realtimeUrl('https://api.example.com/')).toBe('wss://api.example.com/ws');
    expect(realtimeUrl('HTTPS://api.example.com/live//')).toBe('wss://api.example.com/live/ws');
    expect(realtimeUrl('http://[::1]:3001/?x=1#top')).toBe('ws://[::1]:3001/ws');
  });

  it('refuses what is not an http(s) URL', () => {
    expect(() => realtimeUrl('ftp://example.com')).toThrow(TypeError);
    expect(() => realtimeUrl('example.com')).toThrow(/http\(s\) URL/);
  });
});
