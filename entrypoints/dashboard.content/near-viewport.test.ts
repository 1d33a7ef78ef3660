// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isNear, NEAR_SCREENS, whenNear } from './near-viewport';

/** An IntersectionObserver the test answers for: happy-dom's never reports. */
class FakeObserver {
  static all: FakeObserver[] = [];
  readonly targets = new Set<Element>();
  observed = 0;
  constructor(
    readonly callback: IntersectionObserverCallback,
    readonly options?: IntersectionObserverInit,
  ) {
    FakeObserver.all.push(this);
  }
  observe(target: Element) {
    this.targets.add(target);
    this.observed++;
  }
  unobserve(target: Element) {
    this.targets.delete(target);
  }
  disconnect() {
    this.targets.clear();
  }
  takeRecords() {
    return [];
  }
  /** The frame's report for every observed target, at `top` px from the viewport's top. */
  report(top: number, size = 20) {
    const entries = [...this.targets].map((target) => ({
      target,
      isIntersecting: top >= 0 && top < innerHeight,
      boundingClientRect: { top, width: size, height: size },
    }));
    if (entries.length) this.callback(entries as unknown as IntersectionObserverEntry[], this as unknown as IntersectionObserver);
  }
}

beforeEach(() => {
  FakeObserver.all = [];
  vi.stubGlobal('IntersectionObserver', FakeObserver);
});
afterEach(() => vi.unstubAllGlobals());

describe('isNear', () => {
  it('counts what is above the viewport, within a few screens below it, or has no box', () => {
    const at = (top: number, size = 20) => isNear({ top, width: size, height: size }, 800);
    expect(at(-50_000)).toBe(true);
    expect(at(400)).toBe(true);
    expect(at(800 * (1 + NEAR_SCREENS) - 1)).toBe(true);
    expect(at(800 * (1 + NEAR_SCREENS) + 1)).toBe(false);
    expect(at(90_000, 0)).toBe(true);
  });
});

describe('whenNear', () => {
  it('waits while the element is far below, and answers once a scroll brings it near', async () => {
    const row = document.body.appendChild(document.createElement('div'));
    let near: boolean | undefined;
    void whenNear(row, new AbortController().signal).then((v) => {
      near = v;
    });
    const [observer] = FakeObserver.all;
    if (!observer) throw new Error('no observer');
    observer.report(innerHeight * 10);
    await Promise.resolve();
    expect(near).toBeUndefined();
    // A jump past it: it never intersected, so only a new observation after the scroll tells.
    window.dispatchEvent(new Event('scroll'));
    expect(observer.observed).toBe(2);
    observer.report(-innerHeight * 50);
    await Promise.resolve();
    expect(near).toBe(true);
    expect(observer.targets.size).toBe(0);
    // Done: later scrolls ask nothing more.
    window.dispatchEvent(new Event('scroll'));
    expect(observer.observed).toBe(2);
  });

  it('answers false when stopped, and leaves nothing behind', async () => {
    const row = document.body.appendChild(document.createElement('div'));
    const stop = new AbortController();
    const answer = whenNear(row, stop.signal);
    stop.abort();
    await expect(answer).resolves.toBe(false);
    expect(FakeObserver.all[0]?.targets.size).toBe(0);
    window.dispatchEvent(new Event('scroll'));
    expect(FakeObserver.all[0]?.observed).toBe(1);
    await expect(whenNear(row, stop.signal)).resolves.toBe(false);
  });
});
