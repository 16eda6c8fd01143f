/**
 * What is derived from inputs that do not change within one pass of checks (objects, a stack), kept per
 * input for that pass only: outside a pass nothing is kept, since tests edit an input between two passes.
 */
export interface PassScope<K extends object, V> {
  /** Runs fn as a pass (or within the one already running), with what is derived kept until it ends. */
  within<T>(fn: () => T): T;
  /** What build derives from key: kept for the rest of the pass, made afresh outside one. The caller must not change it. */
  kept(key: K, build: () => V): V;
}

export function passScope<K extends object, V>(): PassScope<K, V> {
  let pass: WeakMap<K, V> | undefined;
  return {
    within(fn) {
      if (pass) return fn();
      pass = new WeakMap();
      try {
        return fn();
      } finally {
        pass = undefined;
      }
    },
    kept(key, build) {
      if (!pass) return build();
      if (!pass.has(key)) pass.set(key, build());
      return pass.get(key)!;
    },
  };
}
