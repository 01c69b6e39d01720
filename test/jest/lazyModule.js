/**
 * A module loaded on its first use rather than when it is required: jest's moduleNameMapper (jest.config.js)
 * puts these in place of two modules @pulumi/pulumi requires at load time for function serialization only
 * (its TypeScript shim and @npmcli/arborist), which no program run or test calls. Each suite gets its own
 * module registry, so without this every suite that loads @pulumi/pulumi pays about a second of CPU for them.
 * The real module is required by absolute path (which the mapper does not match) the first time any property
 * is read, and then answers every read, call and construction: behaviour is unchanged, only the time moves.
 */
"use strict";

/** `file`'s exports, required on first use. `esModule` answers `__esModule` without loading (see arborist.js). */
module.exports = function lazyModule(file, esModule = false) {
  let real;
  const load = () => (real ??= require(file));
  return new Proxy(
    {},
    {
      get: (_, key) => (key === "__esModule" && esModule ? true : Reflect.get(load(), key)),
      has: (_, key) => Reflect.has(load(), key),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_, key) => {
        const d = Reflect.getOwnPropertyDescriptor(load(), key);
        return d && { ...d, configurable: true };
      },
      set: (_, key, value) => Reflect.set(load(), key, value),
    },
  );
};
