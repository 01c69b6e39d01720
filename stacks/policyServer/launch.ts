/**
 * Starting the pack's process (how, and why so: ./server's header), apart from the gRPC client so that it
 * loads nothing but child_process: `npm run plan` and `npm run policy` preload ./early, which starts the
 * server before the program's modules load. Its start (node, @pulumi/pulumi, @pulumi/policy and the pack:
 * about as long as the whole benchmark floor) then runs on the other core while this process loads, and it
 * is the process's shared server (`sharedLaunch`), which the command's evaluator connects to.
 */
import { ChildProcess, spawn } from "child_process";
import type { Socket } from "net";
import * as path from "path";

export const POLICY_PACK_DIR = path.resolve(__dirname, "..", "..", "policies");

/** How the pack's process starts, in the pack's folder (see ./server). */
export type Launch = "cli" | "transpiled";
const LAUNCH: Record<Launch, readonly string[]> = {
  cli: [require.resolve("@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:0", "."],
  // `.` resolves the package's `main` as run-policy-pack's require does, .ts included once stacks/loader/ts.js is loaded.
  transpiled: ["-r", path.resolve(__dirname, "..", "loader", "ts.js"), "."],
};

export interface LaunchOptions {
  readonly packDir?: string;
  readonly launch?: Launch;
}

export interface Launched {
  readonly child: ChildProcess;
  /** The port the pack serves on; rejects with the pack's stderr if it exits before serving. */
  readonly port: Promise<string>;
}

/** The child and its pipes never keep this process alive while nobody waits on the port. */
function holdOpen(child: ChildProcess, held: boolean): void {
  for (const handle of [child, child.stdout as Socket, child.stderr as Socket]) {
    if (held) handle.ref();
    else handle.unref();
  }
}

export function launch(opts: LaunchOptions = {}): Launched {
  // ./parentWatch.js ends the server with this process, whichever way it ends (jest kills its workers).
  const child = spawn(
    process.execPath,
    ["-r", path.join(__dirname, "parentWatch.js"), ...LAUNCH[opts.launch ?? "transpiled"]],
    {
      cwd: opts.packDir ?? POLICY_PACK_DIR,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr!.on("data", d => {
    stderr += d;
  });
  const port = new Promise<string>((resolve, reject) => {
    let stdout = "";
    child.stdout!.on("data", d => {
      stdout += d;
      const line = stdout.split("\n")[0];
      if (!stdout.includes("\n")) return;
      if (/^\d+$/.test(line.trim())) resolve(line.trim());
      else reject(new Error(`the policy pack printed ${JSON.stringify(line)} instead of its port:\n${stderr}`));
    });
    child.once("exit", code => reject(new Error(`the policy pack exited (${code}) before serving:\n${stderr}`)));
  });
  return { child, port };
}

/** Waits for the port, keeping this process alive meanwhile; afterwards the server never keeps it alive. */
export async function serving(launched: Launched): Promise<string> {
  holdOpen(launched.child, true);
  try {
    return await launched.port;
  } finally {
    holdOpen(launched.child, false);
  }
}

/**
 * Where a process keeps its shared server: on Node's ChildProcess class, not in this module, so that every suite of a
 * jest worker asks the one server (a start costs about a second of CPU), each through its own gRPC client. jest gives
 * each suite its own copy of the modules and of `process` (jest-util createProcessObject), but built-in modules
 * are the worker's own, loaded once. Sharing is safe: the CLI's protocol sends ConfigureStack and Configure (which
 * replaces the whole policy config) before every analysis, and a worker runs one suite at a time.
 */
export const SHARED_SERVER = Symbol.for("aoai-bcdr.policyServer.shared");
type Holder = { [SHARED_SERVER]?: Launched };

/**
 * The process's shared server (the default launch), started on first use. It ends with the process, never with a
 * client: an exit handler kills it, and ./parentWatch.js ends it when the process is killed or is a jest worker
 * (whose suites' `process` is a copy that emits no exit).
 */
export function sharedLaunch(): Launched {
  const holder = ChildProcess as unknown as Holder;
  if (holder[SHARED_SERVER]) return holder[SHARED_SERVER];
  const launched = launch();
  holder[SHARED_SERVER] = launched;
  holdOpen(launched.child, false);
  // A command that ends before asking for it (--help, a refused flag) must not fail on the server's fate, nor leave
  // it loading the pack for nobody until ./parentWatch.js notices (a second or two of CPU).
  launched.port.catch(() => undefined);
  process.once("exit", () => launched.child.kill());
  return launched;
}
