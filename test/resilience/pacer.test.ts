/**
 * The pacer cuts a request's long synchronous completion work into event-loop turns (issue 10: no single request
 * blocks the event loop > 100 ms). Behaviour, not timing: answers pass at once in a young slice, queue in order once
 * it is spent, and other work (here a marker standing for I/O) runs between the turns that release them.
 */
import { describe, expect, it } from 'vitest';
import { Pacer } from '../../src/shopify/pacer.js';

const spin = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('Pacer', () => {
  it('lets answers through at once while the slice is young', () => {
    const pacer = new Pacer(1_000);
    expect([pacer.pace(), pacer.pace(), pacer.pace()]).toEqual([undefined, undefined, undefined]);
  });

  it('once the slice is spent, releases answers in order, a few per turn, with other work served in between', async () => {
    const pacer = new Pacer(4);
    spin(5);
    // Something else wanting the loop: counts the turns it gets while the answers are released.
    let otherTurns = 0;
    let stop = false;
    const other = () => {
      otherTurns++;
      if (!stop) setImmediate(other);
    };
    setImmediate(other);
    const released: Array<{ answer: number; otherTurns: number }> = [];
    await Promise.all(
      Array.from({ length: 60 }, async (_, answer) => {
        await pacer.pace();
        released.push({ answer, otherTurns });
        spin(1); // the completion work an answer triggers
      }),
    );
    stop = true;
    expect(released.map((r) => r.answer)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    // 60 answers of ~1 ms each with a 4 ms slice cannot all go in one turn: the other work ran in between.
    const turns = new Set(released.map((r) => r.otherTurns));
    expect(turns.size).toBeGreaterThan(5);
    expect(otherTurns).toBeGreaterThan(5);
  });
});
