// `worker.evaluate` callbacks run in the extension's service worker, where `chrome` exists.
// biome-ignore lint/suspicious/noExplicitAny: typed loosely on purpose, these run in another realm
declare const chrome: any;
