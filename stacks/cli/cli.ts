/**
 * What the command-line tools (`plan`, `policy`, `bench`) share: argument parsing with `--help`, the exit
 * codes, the policy config a stack runs with, and the one way every command counts resources.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs, ParseArgsConfig } from "util";
import { PROJECT } from "../../infra/config/issues";
import { AzureRefusalError } from "../engine/refusals/refusal";
import { HelpRequested, UsageError } from "./errors";
import { PolicyConfig, PolicyConfigError, policyConfigFile, readPolicyConfig } from "../policyServer/config";

/** Exit codes of every command (documented in the README's "Command line" section). */
export const EXIT = {
  /** Done; no mandatory policy violation. */
  ok: 0,
  /** Done, and the pack found a mandatory violation. */
  violation: 1,
  /** The user's input was refused: flags, a stack or policy config, a file, an out directory. Nothing was written. */
  usage: 2,
  /** A bug or an environment failure: printed with its stack trace. */
  internal: 3,
  /** The drill ran, and a scenario served an application less than its `--min-served` threshold. */
  gate: 4,
} as const;

export { HelpRequested, UsageError };

export interface Command {
  /** `npm run <name>`. */
  readonly name: string;
  /** The synopsis and one line per flag. */
  readonly usage: string;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node's util.parseArgs (strict), plus `--help`/`-h`; every refusal is a UsageError that ends with the usage. */
export function parseCommand<O extends Options>(
  cmd: Command,
  argv: readonly string[],
  options: O,
  positionals = false,
) {
  try {
    const parsed = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: positionals,
    });
    if ((parsed.values as { help?: boolean }).help) throw new HelpRequested(cmd.usage);
    return parsed as unknown as {
      values: { [K in keyof O]?: O[K]["type"] extends "boolean" ? boolean : string };
      positionals: string[];
    };
  } catch (e) {
    if (e instanceof HelpRequested) throw e;
    throw new UsageError(`${(e as Error).message}\n${cmd.usage}`);
  }
}

/** A whole number within bounds, for flags such as `--runs`. */
export function wholeNumber(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, not '${value}'`);
  return n;
}

export interface Output {
  log(text: string): void;
  error(text: string): void;
}

/**
 * A RunError of @pulumi/pulumi (the program's refusal of its config): its instances carry `__pulumiRunError`, which
 * the SDK's own `RunError.isInstance` reads (errors.js). Checked so, the commands' shared code loads without the SDK,
 * and a command that ends before planning (`--help`, a refused flag) never loads it.
 */
const isRunError = (e: unknown): e is Error =>
  e instanceof Error && (e as { __pulumiRunError?: unknown }).__pulumiRunError === true;

/** Errors a user can fix: their message alone, exit 2. */
export function isUserError(e: unknown): e is Error {
  return e instanceof UsageError || e instanceof PolicyConfigError || isRunError(e);
}

/** Runs a command: its own exit code, 0 for --help, 1 for what Azure would refuse, 2 for a user error (one message), 3 for anything else. */
export async function runCommand(cmd: Command, body: () => Promise<number>, out: Output = console): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof HelpRequested) {
      out.log(e.message);
      return EXIT.ok;
    }
    if (isUserError(e)) {
      out.error(`${cmd.name}: ${e.message}`);
      return EXIT.usage;
    }
    // What Azure would refuse (stacks/engine/refusals/) fails a command like a mandatory violation: nothing is written.
    if (e instanceof AzureRefusalError) {
      out.error(`${cmd.name}: ${e.message}`);
      return EXIT.violation;
    }
    out.error(`${cmd.name}: internal error (please report it):\n${(e as Error)?.stack ?? String(e)}`);
    return EXIT.internal;
  }
}

/**
 * The node arguments of an npm script (package.json `scripts`, each `node <args>`), so that a benchmark or a
 * test runs a command exactly as `npm run <name>` does, preloads included.
 */
export function npmScript(name: string): string[] {
  const scripts = JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "package.json"), "utf8"))
    .scripts as Record<string, string>;
  const [node, ...args] = (scripts[name] ?? "").split(" ");
  if (node !== "node")
    throw new Error(`package.json: script '${name}' is not a 'node <args>' command: ${scripts[name]}`);
  return args;
}

/** Entry point of a command module run as a script. */
export function main(run: (argv: string[]) => Promise<number>): void {
  run(process.argv.slice(2)).then(code => {
    process.exitCode = code;
  });
}

export interface ResolvedPolicyConfig {
  readonly config: PolicyConfig;
  /** Where it came from, for the summary: a file, or the pack's defaults. */
  readonly source: string;
}

/** The policy config a stack runs with: `--policy-config`, else `policies/policy-config.<stack>.json`, else the pack's defaults. */
export function resolvePolicyConfig(stack: string, explicit?: string): ResolvedPolicyConfig {
  if (explicit !== undefined) {
    if (!fs.existsSync(explicit)) throw new UsageError(`--policy-config ${explicit}: no such file`);
    return { config: readPolicyConfig(explicit), source: explicit };
  }
  const file = policyConfigFile(stack);
  if (fs.existsSync(file))
    return { config: readPolicyConfig(file), source: path.relative(process.cwd(), file) || file };
  return {
    config: new Map(),
    source: `the pack's defaults (no ${path.relative(process.cwd(), file)}; give --policy-config to choose one)`,
  };
}

/** The kinds of resource a plan holds, counted the same way by every command. */
export interface ResourceCount {
  /** Custom resources other than providers: what `pulumi up` creates in Azure, Entra ID or random state. */
  readonly resources: number;
  /** ComponentResources: groupings only, nothing is created for them. */
  readonly components: number;
  /** Explicit providers (one per extra subscription). */
  readonly providers: number;
}

/** A component is a resource the engine records as not custom (a saved plan without the flag: this project's own types). */
const isComponent = (r: { type: string; custom?: boolean }) =>
  r.custom === undefined ? r.type.startsWith(`${PROJECT}:`) : !r.custom;

export function countResources(resources: readonly { type: string; custom?: boolean }[]): ResourceCount {
  const providers = resources.filter(r => r.type.startsWith("pulumi:providers:")).length;
  const components = resources.filter(isComponent).length;
  return { resources: resources.length - components - providers, components, providers };
}

export function formatCount(c: ResourceCount): string {
  return `${c.resources} resources, ${c.components} components, ${c.providers} providers`;
}
