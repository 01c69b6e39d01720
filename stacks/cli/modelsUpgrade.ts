/**
 * `npm run models:upgrade -- --stack <name>`: the retirement path as one command. Lists every model version the
 * stack deploys that retires within the warning window (catalog/retirements.ts) and what to move to: a newer
 * version of the same model offered on every SKU and region the stack deploys it (catalog/modelMatrix.ts), else
 * the current models offered there, longest-lived first. With `--write` it edits the version values of the stack
 * file in place (the standard model's and a PTU pool's explicit one), changing no other byte: comments and layout
 * stay. A change of model is printed, never written: quota is granted per model, and the deployment's name (and
 * so its Pulumi URN) changes with it.
 */
import * as fs from "fs";
import { parseDocument, isScalar } from "yaml";
import { matrixModels, matrixVersions, offeringRegions } from "../../catalog/modelMatrix";
import { DeploymentSku, PROVISIONED_SKU, StandardSku } from "../../catalog/models";
import { currentReplacement, retirementDate } from "../../catalog/retirements";
import { PROJECT } from "../../infra/config";
import { RETIREMENT_WARNING_DAYS, planDate } from "../../infra/retirement";
import { Command, Output, main, parseCommand, runCommand, wholeNumber } from "./cli";
import { UsageError } from "./errors";
import { stackFile } from "./stackFile";

export const MODELS_UPGRADE: Command = {
  name: "models:upgrade",
  usage: [
    "usage: npm run models:upgrade -- --stack <name> [--config <file>] [--within <days>] [--write]",
    "  --stack   the stack whose Pulumi.<stack>.yaml is read (default: dev)",
    "  --config  the stack file, when not Pulumi.<stack>.yaml",
    `  --within  days ahead that count as retiring (default: ${RETIREMENT_WARNING_DAYS}, the plan's warning window); the date is AOAI_BCDR_TODAY or today`,
    "  --write   edit the version values in the stack file in place (nothing else in it)",
  ].join("\n"),
};

/** What the command reads of the catalog: the real one, or a test's. */
export interface CatalogView {
  offered(sku: DeploymentSku, model: string, version: string, region: string): boolean;
  retires(model: string, version: string, sku: DeploymentSku): string | undefined;
  versions(model: string): string[];
  models(): string[];
  replacement(model: string, version: string, sku: DeploymentSku, today: string): string | undefined;
}

const CATALOG: CatalogView = {
  offered: (sku, model, version, region) => offeringRegions(sku, model, version).includes(region),
  retires: retirementDate,
  versions: matrixVersions,
  models: matrixModels,
  replacement: currentReplacement,
};

/** Where a model version is deployed: each SKU and region, and the YAML paths holding its version. */
interface ModelUse {
  readonly index: number;
  readonly model: string;
  readonly version: string;
  readonly needs: readonly { sku: DeploymentSku; region: string }[];
  readonly versionPaths: readonly (string | number)[][];
}

export interface Candidate {
  readonly model: string;
  readonly version: string;
  readonly retires?: string;
}

export interface Upgrade {
  readonly use: ModelUse;
  readonly retires: string;
  readonly daysLeft: number;
  /** A newer version of the same model: what --write sets. */
  readonly to?: Candidate;
  /** Other current models offered wherever the stack deploys this one, longest-lived first. */
  readonly alternatives: readonly Candidate[];
}

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- raw YAML

const KEY = (k: string) => `${PROJECT}:${k}`;

/** The stack's model uses, read from its raw values (a stack refused for a retired version must still be read). */
export function modelUses(config: Loose): ModelUse[] {
  const standard = config[KEY("standard")] ?? {};
  const sku: StandardSku = standard.deploymentType ?? "DataZoneStandard";
  const regions = config[KEY("regions")] ?? {};
  const overflow: Loose[] = config[KEY("overflowSubscriptions")] ?? [];
  const standardRegions = [regions.primary, regions.secondary, ...overflow.flatMap(s => s.regions ?? [])].filter(
    Boolean,
  ) as string[];
  const pools: [Loose, (string | number)[]][] = [
    ...(config[KEY("enterprisePtu")]
      ? [[config[KEY("enterprisePtu")], [KEY("enterprisePtu")]] as [Loose, string[]]]
      : []),
    ...((config[KEY("workloadPtus")] ?? []) as Loose[]).map((w, i): [Loose, (string | number)[]] => [
      w,
      [KEY("workloadPtus"), i],
    ]),
  ];
  return ((standard.models ?? []) as Loose[]).map((m, index) => {
    const version = String(m.version);
    const mine = pools.filter(
      ([p]) => p.model === m.name && (p.version === undefined || String(p.version) === version),
    );
    return {
      index,
      model: m.name,
      version,
      needs: [
        ...[...new Set(standardRegions)].map(region => ({ sku: sku as DeploymentSku, region })),
        ...mine.map(([p]) => ({ sku: PROVISIONED_SKU[sku] as DeploymentSku, region: p.region as string })),
      ],
      versionPaths: [
        [KEY("standard"), "models", index, "version"],
        ...mine.filter(([p]) => p.version !== undefined).map(([, path]) => [...path, "version"]),
      ],
    };
  });
}

const DAY_MS = 24 * 60 * 60 * 1000;
const daysUntil = (date: string, today: string) => Math.round((Date.parse(date) - Date.parse(today)) / DAY_MS);

/** The longest-lived first; versions without a published date last (previews: "no earlier than"). */
const byLife = (a: Candidate, b: Candidate) => (b.retires ?? "").localeCompare(a.retires ?? "");

function candidate(use: ModelUse, model: string, version: string, c: CatalogView, horizon: string) {
  if (!use.needs.every(n => c.offered(n.sku, model, version, n.region))) return undefined;
  const dates = use.needs.map(n => c.retires(model, version, n.sku)).filter((d): d is string => !!d);
  const retires = dates.sort()[0];
  return retires !== undefined && retires <= horizon ? undefined : { model, version, ...(retires ? { retires } : {}) };
}

/** The stack's model versions retiring within `windowDays` of `today`, each with what to move to. */
export function upgrades(config: Loose, today: string, windowDays: number, c: CatalogView = CATALOG): Upgrade[] {
  const horizon = new Date(Date.parse(today) + windowDays * DAY_MS).toISOString().slice(0, 10);
  const uses = modelUses(config);
  const deployed = new Set(uses.map(u => u.model));
  return uses.flatMap(use => {
    const retires = use.needs
      .map(n => c.retires(use.model, use.version, n.sku))
      .filter((d): d is string => !!d)
      .sort()[0];
    if (!retires || retires > horizon) return [];
    const newer = c
      .versions(use.model)
      .filter(v => v > use.version)
      .map(v => candidate(use, use.model, v, c, horizon))
      .filter((x): x is Candidate => !!x)
      .sort(byLife);
    const alternatives = c
      .models()
      .filter(m => !deployed.has(m))
      .flatMap(m => c.versions(m).map(v => candidate(use, m, v, c, horizon)))
      .filter((x): x is Candidate => !!x)
      .sort(byLife);
    return [{ use, retires, daysLeft: daysUntil(retires, today), ...(newer[0] ? { to: newer[0] } : {}), alternatives }];
  });
}

const show = (x: Candidate) =>
  `${x.model} ${x.version} (${x.retires ? `retires ${x.retires}` : "no published retirement date"})`;

export function describe(u: Upgrade, c: CatalogView, today: string): string {
  const where = [...new Set(u.use.needs.map(n => `${n.sku} in ${n.region}`))].join(", ");
  const head = `${KEY("standard")}.models[${u.use.index}]: ${u.use.model} ${u.use.version} retires ${u.retires}, in ${u.daysLeft} days (${where})`;
  if (u.to)
    return `${head}\n  -> version ${u.to.version} (${u.to.retires ? `retires ${u.to.retires}` : "no published retirement date"}); --write sets it`;
  const suggested = c.replacement(u.use.model, u.use.version, u.use.needs[0].sku, today);
  return [
    `${head}`,
    `  no newer version of ${u.use.model} is offered there; change the model by hand (its quota, PTU pools, drill mixes and deployment name follow it)${suggested ? `; Microsoft suggests ${suggested}` : ""}`,
    `  current models offered wherever it is deployed, longest-lived first: ${u.alternatives.slice(0, 6).map(show).join(", ") || "none"}`,
  ].join("\n");
}

/** The stack file with the version values of `ups` replaced in place: no other byte changes. */
export function withVersions(text: string, ups: readonly Upgrade[]): string {
  const doc = parseDocument(text);
  const edits = ups
    .filter(u => u.to)
    .flatMap(u =>
      u.use.versionPaths.map(p => {
        const node = doc.getIn(["config", ...p], true);
        if (!isScalar(node) || !node.range)
          throw new UsageError(`cannot locate config.${p.join(".")} in the stack file`);
        return { from: node.range[0], to: node.range[1], text: JSON.stringify(u.to!.version) };
      }),
    )
    .sort((a, b) => b.from - a.from);
  return edits.reduce((t, e) => t.slice(0, e.from) + e.text + t.slice(e.to), text);
}

export function modelsUpgradeCli(argv: readonly string[], out: Output = console): Promise<number> {
  return runCommand(
    MODELS_UPGRADE,
    async () => {
      const { values: v } = parseCommand(MODELS_UPGRADE, argv, {
        stack: { type: "string" },
        config: { type: "string" },
        within: { type: "string" },
        write: { type: "boolean" },
      });
      const file = v.config ?? stackFile(v.stack ?? "dev");
      if (!fs.existsSync(file)) throw new UsageError(`${file}: no such stack file`);
      const text = fs.readFileSync(file, "utf8");
      const config = (parseDocument(text).toJS() as { config?: Loose })?.config ?? {};
      const today = planDate();
      const window = v.within !== undefined ? wholeNumber("within", v.within, 0, 3650) : RETIREMENT_WARNING_DAYS;
      const ups = upgrades(config, today, window);
      if (ups.length === 0) out.log(`${file}: no model version retires within ${window} days of ${today}`);
      for (const u of ups) out.log(describe(u, CATALOG, today));
      if (v.write && ups.some(u => u.to)) {
        fs.writeFileSync(file, withVersions(text, ups));
        out.log(`wrote the new versions into ${file}; run npm run plan to see the change`);
      }
      return 0;
    },
    out,
  );
}

if (require.main === module) main(modelsUpgradeCli);
