/**
 * The suites' test environment: jest's own Node environment, loaded by jest in the worker process itself (not in a
 * suite's sandbox, so `process` here is the worker's own), with one addition for that worker's end.
 *
 * After the last suite, jest-worker asks each worker to end and kills it if it has not exited 500 ms later, printing
 * "A worker process has failed to exit gracefully" (FORCE_EXIT_DELAY, jest-worker/build/base/BaseWorkerPool.js).
 * A worker ends by letting its event loop empty (exitProcess, jest-worker/build/workers/processChild.js). Here the
 * loop is empty at once, but a natural exit then disposes of the whole heap, about a gigabyte after the integration
 * suites: 370-450 ms on an idle 2-core machine, past 500 ms when the cores are busy.
 * process.exit() from the last 'exit' listener skips that disposal: the loop is already empty and every exit listener
 * has run, so nothing is lost, and the exit code is the same. 'beforeExit' is emitted on a natural exit only (never
 * on process.exit() or a signal), when the loop has emptied, so a listener added then is the last one.
 * https://nodejs.org/api/process.html#event-beforeexit
 */
"use strict";
const { TestEnvironment } = require("jest-environment-node");

// Node loads this module once per process. A process forked with an IPC channel is a jest worker; jest itself
// (running the suites in band) exits as it always has.
if (typeof process.send === "function") {
  process.once("beforeExit", () => process.once("exit", code => process.exit(code)));
}

module.exports = TestEnvironment;
