/** The discrete-event core: a seeded random source and a time-ordered event queue. */

/** mulberry32: a small, fast, seedable generator; the same seed replays the same drill. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable hash of a string, to derive one seed per scenario. */
export function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export interface Timed {
  t: number;
  seq: number;
}
/** An event before the queue numbers it (distributes over unions of event kinds). */
export type Unsequenced<E> = E extends Timed ? Omit<E, "seq"> : never;

/** A binary min-heap on (t, seq): events at the same time run in the order they were scheduled. */
export class EventQueue<E extends Timed> {
  private items: E[] = [];
  private seq = 0;
  processed = 0;

  get size(): number {
    return this.items.length;
  }

  /** Numbers the event in place (no copy: the queue is the drill's hottest path). */
  push(e: Unsequenced<E>): void {
    const item = e as E;
    item.seq = this.seq++;
    const a = this.items;
    let i = a.push(item) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(item, a[p])) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = item;
  }

  pop(): E | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1,
          r = l + 1;
        let m = i;
        const cand = (j: number) => j < a.length && before(a[j], m === i ? last : a[m]);
        if (cand(l)) m = l;
        if (cand(r)) m = r;
        if (m === i) break;
        a[i] = a[m];
        i = m;
      }
      a[i] = last;
    }
    if (top) this.processed++;
    return top;
  }
}

const before = (x: Timed, y: Timed) => x.t < y.t || (x.t === y.t && x.seq < y.seq);

/** Continuous refill bucket: `rate` per second up to `max`, drawn by `take`. */
export class Bucket {
  private level: number;
  private last = 0;
  constructor(
    private readonly rate: number,
    private readonly max: number,
  ) {
    this.level = max;
  }

  /**
   * Admits at time `t` as many of `count` requests of `amount` each as the level allows (refilling at
   * `rate * factor`), takes them, and says how many and, when some are left, the seconds until one more would fit.
   * `count` may be fractional (a sampled request standing for several, simulate.ts): whole requests are
   * admitted, and all of a count below one when one fits.
   */
  admit(amount: number, count: number, t: number, factor = 1): { admitted: number; waitS: number } {
    const rate = this.rate * factor;
    this.level = Math.min(this.max, this.level + (t - this.last) * rate);
    this.last = t;
    const admitted = Math.min(count, Math.floor(this.level / amount));
    this.level -= admitted * amount;
    const waitS = admitted === count ? 0 : rate > 0 ? (amount - this.level) / rate : Infinity;
    return { admitted, waitS };
  }
}
