import { describe, expect, it } from 'vitest';
import { type Component, Lifecycle } from '../../src/lifecycle/Lifecycle.js';

function recorded(name: string, log: string[], options: { failStart?: boolean } = {}): Component {
  return {
    name,
    start: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      if (options.failStart) throw new Error(`${name} broke`);
      log.push(`start ${name}`);
    },
    stop: () => {
      log.push(`stop ${name}`);
    },
  };
}

describe('Lifecycle', () => {
  it('starts components in order, each after the previous one is up, and stops them in reverse', async () => {
    const log: string[] = [];
    const lifecycle = new Lifecycle([recorded('a', log), recorded('b', log), recorded('c', log)]);
    await lifecycle.start();
    await lifecycle.stop();
    expect(log).toEqual(['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  });

  it('leaves out the components a configuration does not have', () => {
    const log: string[] = [];
    expect(new Lifecycle([recorded('a', log), undefined, recorded('c', log)]).names).toEqual(['a', 'c']);
  });

  it('stops once, however often and however concurrently it is asked to', async () => {
    const log: string[] = [];
    const lifecycle = new Lifecycle([recorded('a', log)]);
    await lifecycle.start();
    await Promise.all([lifecycle.stop(), lifecycle.stop()]);
    await lifecycle.stop();
    expect(log).toEqual(['start a', 'stop a']);
  });

  it('stops what it started when a start fails, and says which component failed', async () => {
    const log: string[] = [];
    const stopOnly: Component = { name: 'connection', stop: () => void log.push('stop connection') };
    const lifecycle = new Lifecycle([
      stopOnly,
      recorded('a', log),
      recorded('b', log, { failStart: true }),
      recorded('c', log),
    ]);
    await expect(lifecycle.start()).rejects.toThrow('b failed to start');
    expect(log).toEqual(['start a', 'stop a', 'stop connection']);
  });
});
