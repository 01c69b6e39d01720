// Preloaded (`node -r`) into the policy server this harness starts, so that it never outlives the process
// that started it (jest kills its workers with a signal, which runs no exit handler): once the parent is
// gone the server is re-parented, and it exits. The pack itself still starts exactly as the CLI starts it:
// run-policy-pack with its arguments.
"use strict";
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1000).unref();
