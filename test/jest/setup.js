// Runs in every suite's realm before its tests (jest.config.js, setupFilesAfterEnv), after jest has installed
// source-map-support as the realm's Error.prepareStackTrace.
//
// @pulumi/pulumi takes a stack trace on every promise it creates (runtime/debuggable.js, `new Error().stack`),
// kept only to print if the promise is still pending at exit (its leak report). Under jest each such trace is
// mapped through source maps frame by frame: about a third of a program run's CPU. Those traces are formatted
// as Node formats them outside jest (unmapped), like the program's own runs; every other stack trace, failed
// tests' included, is still mapped.
"use strict";
const mapped = Error.prepareStackTrace;
const DEBUGGABLE = /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]debuggable\.js$/;

/** V8's own format: the error's first line, then `    at <frame>` per frame. */
const plain = (error, frames) => [Error.prototype.toString.call(error), ...frames.map(f => `    at ${f}`)].join("\n");

if (mapped)
  Error.prepareStackTrace = (error, frames) =>
    frames[0]?.getFunctionName() === "debuggablePromise" && DEBUGGABLE.test(frames[0].getFileName() ?? "")
      ? plain(error, frames)
      : mapped(error, frames);
