/**
 * The drill file of a stack (`drill.<stack>.yaml` beside `Pulumi.<stack>.yaml`, or `--drill FILE`): the
 * simulated window, the demand per application when it differs from the token limit, and user-defined scenarios.
 */
import * as fs from "fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

const target = { region: z.string().optional(), account: z.string().optional() };
const window = { from: z.number().min(0).optional(), to: z.number().min(0).optional() };
/** Seconds the account holds a request before it answers (a backend that answers its error late). */
const after = { afterSeconds: z.number().min(0).optional() };

/** Faults a scenario injects; `from`/`to` (minutes) default to the drill window's fault period. */
export const FaultSchema = z.discriminatedUnion("kind", [
  z
    .object({
      kind: z.literal("down"),
      ...target,
      ...window,
      ...after,
      // 5xx: 503; 408: Azure OpenAI's request timeout; unreachable: connection refused; timeout: no response headers.
      as: z.enum(["5xx", "408", "unreachable", "timeout"]).default("5xx"),
    })
    .strict(),
  z
    .object({
      kind: z.literal("errors"),
      ...target,
      ...window,
      ...after,
      rate: z.number().min(0).max(1),
      status: z.number().int().min(500).max(599).default(500),
    })
    .strict(),
  z
    .object({ kind: z.literal("saturated"), account: z.string(), ...window, load: z.number().min(0).max(1).default(1) })
    .strict(),
  // Standard quota is per subscription, region and model (https://learn.microsoft.com/azure/ai-foundry/openai/how-to/quota).
  z
    .object({
      kind: z.literal("quota-exhausted"),
      subscription: z.string(),
      region: z.string(),
      model: z.string(),
      ...window,
    })
    .strict(),
  z.object({ kind: z.literal("gateway-down"), region: z.string(), ...window }).strict(),
  // Private mode's watchdog (watchdog.ts): its probes of a healthy gateway fail; its own region is down.
  z.object({ kind: z.literal("probe-path-broken"), region: z.string(), ...window }).strict(),
  z.object({ kind: z.literal("watchdog-down"), region: z.string(), ...window }).strict(),
]);
export type Fault = z.infer<typeof FaultSchema>;

/**
 * What a scenario takes out, for `minServed`: the class of its widest fault (a gateway location, then a region's
 * accounts, an account, a PTU pool's throughput, a model's quota), or `baseline` without faults; a scenario may
 * name its own.
 */
export const SCENARIO_CLASSES = ["baseline", "watchdog", "region", "gateway", "account", "ptu", "quota"] as const;
export type ScenarioClass = (typeof SCENARIO_CLASSES)[number];

export const ScenarioSchema = z
  .object({ name: z.string().min(1), class: z.enum(SCENARIO_CLASSES).optional(), faults: z.array(FaultSchema) })
  .strict();
export type Scenario = z.infer<typeof ScenarioSchema>;

const percent = z.number().min(0).max(100);
/**
 * The least share of requests (percent) every application must get in a scenario, per scenario class; `all`
 * for the classes not named. A bare number is `all`.
 */
const perClass = z
  .object({
    all: percent.optional(),
    baseline: percent.optional(),
    watchdog: percent.optional(),
    region: percent.optional(),
    gateway: percent.optional(),
    account: percent.optional(),
    ptu: percent.optional(),
    quota: percent.optional(),
  } satisfies Record<ScenarioClass | "all", unknown>)
  .strict();
const MinServedSchema = z.union([percent, perClass]);
export type MinServed = z.infer<typeof perClass>;

/** The threshold of a scenario class, if any. */
export function minServedFor(min: number | MinServed | undefined, c: ScenarioClass): number | undefined {
  return typeof min === "number" ? min : (min?.[c] ?? min?.all);
}

const DemandSchema = z
  .object({
    tokensPerMinute: z.number().positive().optional(),
    requestsPerMinute: z.number().positive().optional(),
    streamingShare: z.number().min(0).max(1).optional(),
    /** Share of the demand per deployment name; the rest of the application's chains get nothing. */
    mix: z.record(z.string(), z.number().min(0)).optional(),
  })
  .strict();

export const DrillConfigSchema = z
  .object({
    seed: z.number().int().default(1),
    window: z
      .object({
        minutes: z.number().positive().default(30),
        faultFrom: z.number().min(0).default(5),
        faultTo: z.number().min(0).default(25),
        binSeconds: z.number().positive().default(10),
      })
      .strict()
      .default({ minutes: 30, faultFrom: 5, faultTo: 25, binSeconds: 10 }),
    request: z
      .object({
        promptTokens: z.number().int().positive().default(800),
        completionTokens: z.number().int().positive().default(200),
        /** Share of calls with `"stream": true`; an application's demand may set its own. */
        streamingShare: z.number().min(0).max(1).default(0.5),
        /**
         * How often a caller retries the gateway's 503 with Retry-After (a silent backend): the OpenAI SDKs
         * retry 2 times by default and read `retry-after-ms` / `retry-after`
         * (https://github.com/openai/openai-python#retries, https://github.com/openai/openai-node#retries).
         */
        clientRetries: z.number().int().min(0).default(2),
      })
      .strict()
      .default({ promptTokens: 800, completionTokens: 200, streamingShare: 0.5, clientRetries: 2 }),
    /**
     * Sampled arrivals per simulated second, all streams together: above it the busiest streams are thinned and
     * each sampled call stands for several (demand.ts), so the drill's cost does not grow with the demand.
     */
    sampling: z
      .object({ arrivalsPerSecond: z.number().positive().default(25) })
      .strict()
      .default({ arrivalsPerSecond: 25 }),
    /** Minutes from a gateway outage until an operator flips the private DNS record (private entry only). */
    operatorMinutes: z.number().min(0).default(10),
    demand: z.record(z.string(), DemandSchema).default({}),
    minServed: MinServedSchema.optional(),
    scenarios: z.array(ScenarioSchema).default([]),
  })
  .strict();
export type DrillConfig = z.infer<typeof DrillConfigSchema>;

/** A drill file that does not parse or validate: the message names the file and the key. */
export class DrillConfigError extends Error {}

export function parseDrillConfig(doc: unknown, source: string): DrillConfig {
  const parsed = DrillConfigSchema.safeParse(doc ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DrillConfigError(`${source}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const w = parsed.data.window;
  if (!(w.faultFrom < w.faultTo && w.faultTo <= w.minutes)) {
    throw new DrillConfigError(
      `${source}: window: need faultFrom < faultTo <= minutes, got ${w.faultFrom}, ${w.faultTo}, ${w.minutes}`,
    );
  }
  return parsed.data;
}

export function loadDrillConfig(file: string | undefined): DrillConfig {
  if (!file) return parseDrillConfig({}, "defaults");
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new DrillConfigError(`${file}: ${(e as Error).message}`);
  }
  return parseDrillConfig(doc, file);
}
