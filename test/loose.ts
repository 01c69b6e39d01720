/**
 * Plain data a test reads deep into or breaks on purpose: stack values, resource inputs and outputs, parsed XML.
 * Typed loosely once, here: what reads the data checks its shape (parseConfig, the policy pack, the mock engine),
 * and a type that forbade the broken shapes would forbid the tests that make them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the one loosely typed shape (see above)
export type Loose = Record<string, any>;
