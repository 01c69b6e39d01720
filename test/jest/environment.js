/**
 * The suites' test environment: jest's own Node environment, loaded by jest in the worker process itself (not in a
 * suite's sandbox, so `process` here is the worker's own), with one addition for that worker's end.
 *
 * After the last suite, jest-worker asks each worker to end and kills it if it has not exited 500 ms later, printing
 * "A worker process has failed to exit gracefully" (FORCE_EXIT_DELAY, jest-worker/build/base/BaseWorkerPool.js).
 * A worker ends by letting its event loop empty (exitProcess, jest-worker/build/workers/processChild.js). Here the
 * loop is empty at once, but a natural exit then disposes of the whole heap, about a gigabyte after the integration
 * suites: 370-450 ms on an idle 2-core machine, past 500 ms when the cores are busy.
 * So a worker leaves by process.exit() from its 'exit' event, which skips that disposal: nothing is left to run, and
 * every exit listener still runs first, in order (those added after this one are called here), with the process's
 * exit code. https://nodejs.org/api/process.html#event-exit
 */
"use strict";
const { TestEnvironment } = require("jest-environment-node");

/** Runs the exit listeners added after this one, as the 'exit' event would, then exits without the heap's disposal. */
function exitWithoutTeardown(code) {
  const listeners = process.rawListeners("exit");
  for (const listener of listeners.slice(listeners.indexOf(exitWithoutTeardown) + 1)) listener.call(process, code);
  // Within the 'exit' event, process.exit() goes straight to the end (process._exiting is set), with
  // process.exitCode if a listener set it, else the code the process was ending with.
  process.exit(process.exitCode ?? code);
}

// Node loads this module once per process. A process forked with an IPC channel is a jest worker; jest itself
// (running the suites in band) exits as it always has.
if (typeof process.send === "function") process.on("exit", exitWithoutTeardown);

module.exports = TestEnvironment;
