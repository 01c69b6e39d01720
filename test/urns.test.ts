import { runStack } from "./support";

/**
 * URNs are the identity of every resource in Pulumi state: a changed URN means a delete and a create.
 * These snapshots fail on any change; update them (`npx jest -u`) only for a change made on purpose,
 * with `aliases` on anything stateful that moved.
 */
describe.each(["dev", "prod"])("%s URNs", stack => {
  test("are stable", async () => {
    const run = await runStack(stack);
    expect(run.resources.map(r => r.urn).sort()).toMatchSnapshot();
  });
});
