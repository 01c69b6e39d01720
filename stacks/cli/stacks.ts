/**
 * The stacks the workflows plan, preview and deploy, read from the stack files (`Pulumi.<stack>.yaml`), so
 * that adding a stack is adding its file. Prints GitHub Actions step outputs (`name=<json>` lines, appended
 * to `$GITHUB_OUTPUT`): `all` every stack, `unprotected` the stacks with `aoai-bcdr:protect: false`, deployed
 * first, `protected` the others (production-like: `protect` defaults to true in the program's schema, so a stack
 * file without the key is protected), deployed after every unprotected stack succeeded. Each
 * entry is a matrix row: the stack and its policy config (`policies/policy-config.<stack>.json`, or "" for
 * the pack's defaults: pulumi/actions passes no `--policy-pack-config` for an empty input, src/libs/utils.ts).
 *
 * Usage and exit codes: STACKS.usage below, and docs/cli.md.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { schema } from "../../infra/config/schema";
import { Command, Output, UsageError, main, parseCommand, runCommand, EXIT } from "./cli";
import { listStacks, stackFile } from "./stackFile";

export const STACKS: Command = {
  name: "stacks",
  usage: [
    "usage: npm run --silent stacks",
    "  prints all=, unprotected= and protected= lines: JSON matrix rows {stack, policyConfig} for GitHub Actions",
    "  -h, --help  this text",
    "exit codes: 0 listed, 2 a refused flag or stack file, 3 internal error",
  ].join("\n"),
};

/** One row of a workflow's stack matrix. */
export interface StackRow {
  readonly stack: string;
  /** Relative to the repository root; "" when the stack runs the pack's defaults. */
  readonly policyConfig: string;
}

export interface StackMatrix {
  readonly all: StackRow[];
  readonly unprotected: StackRow[];
  readonly protected: StackRow[];
}

/**
 * Whether the stack's program protects it: `aoai-bcdr:protect` read as the program reads it (Pulumi hands a
 * value over as JSON text, infra/index.ts) and defaulted by the program's own schema, so a file without the key
 * is protected. A file YAML cannot read, or a value the schema refuses, is refused by name.
 */
function isProtected(file: string): boolean {
  let doc: unknown;
  try {
    doc = parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new UsageError(`${path.basename(file)}: not a readable stack file: ${(e as Error).message.split("\n")[0]}`);
  }
  const value = (doc as { config?: Record<string, unknown> } | null)?.config?.["aoai-bcdr:protect"];
  const protect = schema.shape.protect.safeParse(value === "true" || value === "false" ? value === "true" : value);
  if (!protect.success) throw new UsageError(`${path.basename(file)}: aoai-bcdr:protect must be true or false`);
  return protect.data;
}

export function stackMatrix(root?: string): StackMatrix {
  const base = root ?? path.resolve(__dirname, "..", "..");
  const rows = listStacks(root).map(stack => {
    const config = `policies/policy-config.${stack}.json`;
    const row: StackRow = { stack, policyConfig: fs.existsSync(path.join(base, config)) ? config : "" };
    return { row, protect: isProtected(stackFile(stack, root)) };
  });
  if (rows.length === 0) throw new UsageError(`no Pulumi.<stack>.yaml in ${base}`);
  return {
    all: rows.map(r => r.row),
    unprotected: rows.filter(r => !r.protect).map(r => r.row),
    protected: rows.filter(r => r.protect).map(r => r.row),
  };
}

/** The `$GITHUB_OUTPUT` lines: one output per wave, compact JSON on one line. */
export function formatMatrix(m: StackMatrix): string {
  return (["all", "unprotected", "protected"] as const).map(k => `${k}=${JSON.stringify(m[k])}`).join("\n");
}

export function stacksCli(argv: readonly string[], out: Output = console, root?: string): Promise<number> {
  return runCommand(
    STACKS,
    async () => {
      parseCommand(STACKS, argv, {});
      out.log(formatMatrix(stackMatrix(root)));
      return EXIT.ok;
    },
    out,
  );
}

if (require.main === module) main(stacksCli);
