/**
 * aws-local-stepfunctions calls `Promise.withResolvers`, which Node.js 20 lacks. This adds the standard
 * behaviour when it is missing, before the engine runs.
 */
if (typeof (Promise as any).withResolvers !== 'function') {
  (Promise as any).withResolvers = function withResolvers<T>() {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}
export {};
