import { describe, expect, it } from 'vitest';
import { SignInBudget } from '../../src/realtime/SignInBudget.js';

describe('SignInBudget', () => {
  it('lets each address and each account sign in only so often per window, with the wait in seconds', () => {
    let now = 1_000_000;
    const budget = new SignInBudget({ perIp: 3, perAccount: 2, windowMs: 60_000, now: () => now });
    expect(budget.take('1.1.1.1', 'alice')).toBe(0);
    expect(budget.take('1.1.1.1', 'ALICE ')).toBe(0);
    // The account's budget is spent (its spelling does not matter), from any address.
    expect(budget.take('2.2.2.2', 'alice')).toBe(60);
    expect(budget.take('1.1.1.1', 'bob')).toBe(0);
    // The address's budget is spent, whatever account it names.
    now += 15_000;
    expect(budget.take('1.1.1.1', 'carol')).toBe(45);
    expect(budget.take('2.2.2.2', 'carol')).toBe(0);
    // A new window.
    now += 45_000;
    expect(budget.take('1.1.1.1', 'alice')).toBe(0);
  });
});
