/**
 * Starting the pack's process (how, and why so: ./server's header), apart from the gRPC client so that it
 * loads nothing but child_process: `npm run plan` and `npm run policy` preload ./early, which starts the
 * server before the program's modules load. Its start (node, @pulumi/pulumi, @pulumi/policy and the pack:
 * about as long as the whole benchmark floor) then runs on the other core while this process loads, and the
 * first server the process asks for is that one.
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

let early: Launched | undefined;

/** Starts the default server now, for the first `adoptEarly` of this process. */
export function launchEarly(): void {
  early ??= launch();
  holdOpen(early.child, false);
  // A command that ends before asking for it (--help, a refused flag) must not fail on the server's fate, nor leave
  // it loading the pack for nobody until ./parentWatch.js notices (a second or two of CPU).
  early.port.catch(() => undefined);
  process.once("exit", () => early?.child.kill());
}

/** The server `launchEarly` started, if the options ask for the default one; it is handed out once. */
export function adoptEarly(opts: LaunchOptions): Launched | undefined {
  if (!early || opts.packDir !== undefined || (opts.launch ?? "transpiled") !== "transpiled") return undefined;
  const adopted = early;
  early = undefined;
  return adopted;
}
