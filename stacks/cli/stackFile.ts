/**
 * Where a stack's settings are: `Pulumi.<stack>.yaml` beside Pulumi.yaml, the file the Pulumi CLI reads for
 * `--stack <stack>` (https://www.pulumi.com/docs/iac/concepts/projects/stack-settings-file/). The commands
 * name stacks; the engine is handed the file's path.
 */
import * as fs from "fs";
import * as path from "path";

/** The repository root, where Pulumi.yaml and the stack files are. */
const ROOT = path.resolve(__dirname, "..", "..");

export function stackFile(stack: string, root = ROOT): string {
  return path.join(root, `Pulumi.${stack}.yaml`);
}

/**
 * Every stack of the project: one `Pulumi.<stack>.yaml` per stack, sorted. Pulumi stack names are letters,
 * digits, `-`, `_` and `.` (https://www.pulumi.com/docs/iac/concepts/stacks/), which is what the pattern takes.
 */
export function listStacks(root = ROOT): string[] {
  return fs
    .readdirSync(root)
    .flatMap(f => /^Pulumi\.([\w.-]+)\.yaml$/.exec(f)?.[1] ?? [])
    .sort();
}
