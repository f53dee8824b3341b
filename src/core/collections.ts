/** Groups items by key, keeping first-seen order (Map.groupBy needs Node 21). */
export function groupBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Splits items into runs of at most `size`. */
export function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Calls `load` once and hands every later caller the same promise (a cached dynamic import). */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load().catch((error) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
}

/**
 * The items of several async sources as they come, at most `concurrency` sources running at once (the next one
 * starts when one ends). Each running source hands over one item at a time, so memory stays bounded. The first
 * source to throw ends the merge with its error; stopping early (or an error) stops every running source.
 */
export async function* merge<T>(
  sources: readonly (() => AsyncIterable<T>)[],
  concurrency: number,
): AsyncGenerator<T> {
  const ready: { value: T; taken: () => void }[] = [];
  const pumps = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let started = 0;
  let stopped = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const pump = async (source: () => AsyncIterable<T>) => {
    try {
      for await (const value of source()) {
        if (stopped) return;
        // Waits until the item is taken: a source runs at most one item ahead of the reader.
        await new Promise<void>((taken) => {
          ready.push({ value, taken });
          notify();
        });
        if (stopped) return;
      }
    } catch (error) {
      failure ??= { error };
    }
  };
  const launch = () => {
    while (!failure && !stopped && pumps.size < concurrency && started < sources.length) {
      const running: Promise<void> = pump(sources[started++] as () => AsyncIterable<T>).finally(() => {
        pumps.delete(running);
        launch();
        notify();
      });
      pumps.add(running);
    }
  };
  launch();
  try {
    for (;;) {
      if (failure) throw failure.error;
      const item = ready.shift();
      if (item) {
        item.taken();
        yield item.value;
      } else if (pumps.size === 0 && started >= sources.length) return;
      else await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    stopped = true;
    for (const item of ready.splice(0)) item.taken();
    await Promise.allSettled([...pumps]);
  }
}
