import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExtrinsicStatus } from '../../src/devchain/DevChain.js';
import {
  ExtrinsicStatusRelay,
  FINALIZED_AFTER_READ_MS,
  FINALIZED_HOLD_MS,
} from '../../src/devchain/ExtrinsicStatusRelay.js';

const BLOCK = '0x01' as const;

describe('ExtrinsicStatusRelay', () => {
  let sent: ExtrinsicStatus[];
  let done: number;
  let relay: ExtrinsicStatusRelay;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    done = 0;
    relay = new ExtrinsicStatusRelay(() => done++);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('buffers statuses until attached, then delivers them in order', () => {
    relay.push('ready');
    relay.push({ inBlock: BLOCK });
    expect(sent).toEqual([]);
    relay.attach((s) => sent.push(s));
    expect(sent).toEqual(['ready', { inBlock: BLOCK }]);
  });

  it('holds Finalized until the client read the InBlock events, then sends it shortly after', () => {
    relay.attach((s) => sent.push(s));
    relay.push('ready');
    relay.push({ inBlock: BLOCK });
    relay.push({ finalized: BLOCK });
    expect(sent).toEqual(['ready', { inBlock: BLOCK }]);
    relay.eventsRead('0x02');
    vi.advanceTimersByTime(FINALIZED_AFTER_READ_MS);
    expect(sent).toHaveLength(2);
    relay.eventsRead(BLOCK);
    vi.advanceTimersByTime(FINALIZED_AFTER_READ_MS);
    expect(sent).toEqual(['ready', { inBlock: BLOCK }, { finalized: BLOCK }]);
    expect(done).toBe(1);
  });

  it('sends a held Finalized after FINALIZED_HOLD_MS to a client that never reads events', () => {
    relay.attach((s) => sent.push(s));
    relay.push({ inBlock: BLOCK });
    relay.push({ finalized: BLOCK });
    vi.advanceTimersByTime(FINALIZED_HOLD_MS - 1);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([{ inBlock: BLOCK }, { finalized: BLOCK }]);
  });

  it('does not hold Finalized when the events were read before it (finality lag)', () => {
    relay.attach((s) => sent.push(s));
    relay.push({ inBlock: BLOCK });
    relay.eventsRead(BLOCK);
    relay.push({ finalized: BLOCK });
    expect(sent).toEqual([{ inBlock: BLOCK }, { finalized: BLOCK }]);
  });

  it('sends nothing more once closed', () => {
    relay.attach((s) => sent.push(s));
    relay.push({ inBlock: BLOCK });
    relay.push({ finalized: BLOCK });
    relay.close();
    vi.advanceTimersByTime(FINALIZED_HOLD_MS);
    relay.push('dropped');
    expect(sent).toEqual([{ inBlock: BLOCK }]);
    expect(done).toBe(0);
  });
});
