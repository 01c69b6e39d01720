/**
 * Test helpers: run the real program for a stack file (optionally edited) under the Azure mocks.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { PolicyElement, parsePolicyDocument } from "../policies/lib/policyXml";
import type { ModelsClient } from "../infra/availability";
import { UsagesClient } from "../infra/quota";
import { planDate } from "../infra/retirement";
import { PlannedResource, ProgramRun, StackConfig, runProgram } from "../stacks/engine/runner";
import { stackValues, toStackConfig } from "./stackValues";
import type { Loose } from "./loose";

export interface RunStackOptions {
  /** The stack name the program sees (default: the stack file's). */
  stack?: string;
  /** Edits the stack's values before the run. */
  edit?: (values: Loose) => void;
  usagesClient?: UsagesClient;
  /** Answers the models API (default: the mock engine's, from the model matrix). */
  modelsClient?: ModelsClient;
  /** Receives every registration, also when the run fails. */
  record?: PlannedResource[];
  /** The plan's date (default: AOAI_BCDR_TODAY). */
  today?: string;
}

export async function runStack(stack: string, opts: RunStackOptions = {}): Promise<ProgramRun> {
  const values = stackValues(stack);
  opts.edit?.(values);
  const config = toStackConfig(values);
  // An edit only changes the config, which keys the shared run; clients and a record need a run of their own.
  if (!opts.usagesClient && !opts.modelsClient && !opts.record)
    return sharedRun(opts.stack ?? stack, config, opts.today);
  return runProgram({
    stack: opts.stack ?? stack,
    config,
    usagesClient: opts.usagesClient,
    modelsClient: opts.modelsClient,
    record: opts.record,
    ...(opts.today ? { today: opts.today } : {}),
  });
}

const root = path.resolve(__dirname, "..");
const RUN_CACHE = path.join(root, "node_modules", ".cache", "aoai-bcdr-runs");
/** Stands for `undefined` in a cached run: JSON would drop the key, and a test may see the difference. */
const UNDEFINED = "\u0000undefined";

/** Every file a program run depends on: the catalog, the program, the offline runtime and mocks, stack files, the lock file. */
function runInputs(): string[] {
  const files = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap(e => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  const top = fs
    .readdirSync(root)
    .filter(f => /^Pulumi\..*ya?ml$/.test(f) || ["package-lock.json", "tsconfig.json"].includes(f))
    .map(f => path.join(root, f));
  const folders = ["catalog", "infra", "stacks"].flatMap(d => files(path.join(root, d)));
  return [...folders, ...top, __filename].sort();
}

function restoreUndefined(value: unknown): unknown {
  if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value))
      (value as Record<string, unknown>)[k] = v === UNDEFINED ? undefined : restoreUndefined(v);
  }
  return value;
}

/**
 * A run of a stack's config (edited or not), computed once and shared by every suite and worker, and by later
 * test runs while nothing it depends on changes: the program is deterministic, so the run is keyed by the content
 * of everything it depends on (runInputs), the stack name, the config and the plan date, and kept under
 * node_modules/.cache/aoai-bcdr-runs/. Each caller gets its own copy, in its own realm. A run that fails is not
 * kept; runs with clients or a record always run the program.
 */
export async function sharedRun(stack: string, config: StackConfig, today?: string): Promise<ProgramRun> {
  // The plan date decides which versions are retired: a run is only good for the date it was made on.
  const hash = crypto.createHash("sha256").update(JSON.stringify([stack, config, today ?? planDate()]));
  for (const file of runInputs()) hash.update(`\0${path.relative(root, file)}\0`).update(fs.readFileSync(file));
  const file = path.join(RUN_CACHE, `${hash.digest("hex")}.json`);
  const kept = readKept(file);
  if (kept !== undefined) return restoreUndefined(JSON.parse(kept)) as ProgramRun;
  const run = await runProgram({ stack, config, ...(today ? { today } : {}) });
  const text = JSON.stringify(run, (_k, v) => (v === undefined ? UNDEFINED : v));
  fs.mkdirSync(RUN_CACHE, { recursive: true });
  // Write then rename: workers running side by side never read half a file.
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, text);
  fs.renameSync(partial, file);
  pruneRuns();
  return restoreUndefined(JSON.parse(text)) as ProgramRun;
}

/** A kept run's text, its file's time refreshed (the pruning keeps the most recently used); undefined if none. */
function readKept(file: string): string | undefined {
  try {
    const text = fs.readFileSync(file, "utf8");
    const now = new Date();
    fs.utimesSync(file, now, now);
    return text;
  } catch {
    return undefined; // not computed yet, or pruned by another worker meanwhile
  }
}

/** The most runs kept (about half a megabyte each): every change to the program makes new keys. */
const RUNS_KEPT = 200;

/** Removes the runs least recently used beyond RUNS_KEPT (a hit refreshes its file's time). */
function pruneRuns(): void {
  // Another worker may be pruning too: a file gone meanwhile is skipped.
  const kept = fs
    .readdirSync(RUN_CACHE)
    .filter(f => f.endsWith(".json"))
    .map(f => ({
      file: path.join(RUN_CACHE, f),
      used: fs.statSync(path.join(RUN_CACHE, f), { throwIfNoEntry: false }),
    }))
    .filter(r => r.used !== undefined)
    .sort((a, b) => b.used!.mtimeMs - a.used!.mtimeMs);
  for (const { file } of kept.slice(RUNS_KEPT)) fs.rmSync(file, { force: true });
}

export function ofType(run: ProgramRun, type: string): PlannedResource[] {
  return run.resources.filter(r => r.type === type);
}

/** Whether an azure-native type takes ARM tags (a key/value map), read from the SDK's own type declarations. */
export function takesArmTags(type: string): boolean {
  const [pkg, module, name] = type.split(":");
  if (pkg !== "azure-native") return false;
  const dir = path.dirname(require.resolve(`@pulumi/azure-native/${module}/index.js`));
  // File names camel-case the type, acronyms included (AFDOriginGroup -> afdOriginGroup.d.ts).
  const file = fs.readdirSync(dir).find(f => f.toLowerCase() === `${name.toLowerCase()}.d.ts`)!;
  const args = fs.readFileSync(path.join(dir, file), "utf8").split(/export interface \w+Args \{/)[1] ?? "";
  return /\n {4}tags\?: pulumi\.Input<\{/.test(args);
}

/** A generated policy document as the pack reads it (policies/lib/policyXml.ts): its root element. */
export function policyTree(xml: string): PolicyElement {
  const parsed = parsePolicyDocument(xml);
  if ("error" in parsed) throw new Error(`policy document: ${parsed.error}`);
  return parsed.root;
}
