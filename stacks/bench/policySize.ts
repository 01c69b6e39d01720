/**
 * The gateway policy's size (`npm run bench:policy`): the API policy document the program generates for dev,
 * prod and a large generated topology (./largeTopology.ts), the bytes one more application adds, and whether
 * the config check refuses the large one, naming the limit. Each document is built at config time by the
 * policy builder itself (infra/gateway/footprint.ts), as the config check measures it. Exits 1 when a goal is
 * missed (GOALS).
 */
import * as fs from "fs";
import { parse as parseYaml } from "yaml";
import { ConfigError, PROJECT, parseConfig, validateStack } from "../../infra/config";
import { gatewayFootprint } from "../../infra/gateway/footprint";
import { planDate } from "../../infra/retirement";
import { buildTopology, zeroCapacities } from "../../infra/topology";
import { EXIT, Command, Output, main, parseCommand, runCommand } from "../cli/cli";
import { stackFile } from "../cli/stackFile";
import { LARGE, largeTopology, withOneMoreApplication } from "./largeTopology";

export const POLICY_BENCH: Command = {
  name: "bench:policy",
  usage: [
    "usage: npm run bench:policy",
    "  prints the generated API policy's bytes for dev, prod and a large topology, and the bytes per application",
    "exit codes: 0 every goal met, 1 a goal missed, 3 a run failed",
  ].join("\n"),
};

/** The gateway rework's size goals. */
export const GOALS = { prodBytes: 40 * 1000, perApplicationBytes: 700, largeBytes: 256 * 1024 } as const;

type Values = Record<string, unknown>;

/** A stack file's `aoai-bcdr:*` values, keyed without the namespace. */
export function stackFileValues(stack: string): Values {
  const doc = parseYaml(fs.readFileSync(stackFile(stack), "utf8")) as { config: Values };
  const prefix = `${PROJECT}:`;
  return Object.fromEntries(
    Object.entries(doc.config)
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, v]) => [k.slice(prefix.length), v]),
  );
}

export interface Measured {
  readonly bytes: number;
  /** The config check's refusals of the stack (none when it is accepted). */
  readonly refusals: readonly string[];
}

/** The policy's bytes, and the config check's verdict; a refused stack is measured on its parsed config. */
export async function measure(values: Values): Promise<Measured> {
  try {
    const { config, capacities } = await validateStack(structuredClone(values));
    return { bytes: gatewayFootprint(config, buildTopology(config, capacities)).policyBytes, refusals: [] };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const config = parseConfig(structuredClone(values));
    const bytes = gatewayFootprint(config, buildTopology(config, zeroCapacities(config))).policyBytes;
    return { bytes, refusals: e.issues.map(i => `${i.key}: ${i.message}`) };
  }
}

export interface PolicySizes {
  readonly dev: Measured;
  readonly prod: Measured;
  /** Bytes prod's document grows by with one more application. */
  readonly perApplication: number;
  readonly large: Measured;
}

export async function policySizes(today = planDate()): Promise<PolicySizes> {
  const [dev, prod] = [stackFileValues("dev"), stackFileValues("prod")];
  const measuredProd = await measure(prod);
  return {
    dev: await measure(dev),
    prod: measuredProd,
    perApplication: (await measure(withOneMoreApplication(prod))).bytes - measuredProd.bytes,
    large: await measure(largeTopology(prod, today)),
  };
}

/** The goals each figure is held to, met or not. */
export function goals(s: PolicySizes): { goal: string; met: boolean }[] {
  return [
    { goal: `prod under ${GOALS.prodBytes} bytes`, met: s.prod.bytes < GOALS.prodBytes },
    {
      goal: `each extra application under ${GOALS.perApplicationBytes} bytes`,
      met: s.perApplication < GOALS.perApplicationBytes,
    },
    {
      goal: `the large topology under ${GOALS.largeBytes} bytes (256 KiB) or refused at config time`,
      met: s.large.bytes < GOALS.largeBytes || s.large.refusals.length > 0,
    },
  ];
}

export function report(s: PolicySizes): string {
  const row = (name: string, m: Measured) =>
    `${name.padEnd(8)} ${String(m.bytes).padStart(8)}  ${m.refusals.length ? "refused at config time" : "accepted"}`;
  return [
    "generated API policy document (bytes of ApiPolicy.value, built at config time by the policy builder)",
    "stack       bytes  config check",
    row("dev", s.dev),
    row("prod", s.prod),
    row("large", s.large),
    `large = prod grown to ${LARGE.applications} applications, every current standard model, ${LARGE.workloadPools} workload pools, ${LARGE.gatewayRegions.length} gateway regions`,
    `per application: +${s.perApplication} bytes (prod with one more application)`,
    ...(["dev", "prod", "large"] as const).flatMap(k => s[k].refusals.map(r => `${k} refused: ${r}`)),
    ...goals(s).map(g => `goal ${g.met ? "met" : "MISSED"}: ${g.goal}`),
  ].join("\n");
}

export function policySizeCli(argv: readonly string[], out: Output = console): Promise<number> {
  return runCommand(
    POLICY_BENCH,
    async () => {
      parseCommand(POLICY_BENCH, argv, {});
      const sizes = await policySizes();
      out.log(report(sizes));
      return goals(sizes).every(g => g.met) ? EXIT.ok : EXIT.violation;
    },
    out,
  );
}

if (require.main === module) main(policySizeCli);
