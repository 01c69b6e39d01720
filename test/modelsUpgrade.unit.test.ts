/**
 * `npm run models:upgrade`: what it proposes for a retiring version, and `--write` editing the version values of
 * a stack file in place, nothing else.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import {
  CatalogView,
  describe as describeUpgrade,
  modelsUpgradeCli,
  upgrades,
  withVersions,
} from "../stacks/cli/modelsUpgrade";

/** A stack file as users write them: comments, flow maps, quoted and bare versions. */
const STACK = `# a stack on a retiring model
config:
  aoai-bcdr:regions:
    primary: eastus2 # the active region
    secondary: centralus
  aoai-bcdr:standard:
    deploymentType: DataZoneStandard
    models:
      # the main model
      - name: gpt-5
        version: "2025-08-07"
        capacity: full
      - { name: gpt-5.1, version: "2025-11-13", capacity: 100 }
  aoai-bcdr:quota:
    declared:
      - { region: eastus2, sku: DataZoneStandard, model: gpt-5, capacity: 300 }
  aoai-bcdr:workloadPtus:
    - name: claims
      region: eastus2
      model: gpt-5
      version: '2025-08-07' # pinned
      ptu: 50
`;
const config = () => (parse(STACK) as { config: Record<string, unknown> }).config;

const RETIRES: Record<string, string> = {
  "gpt-5@2025-08-07": "2027-02-06",
  "gpt-5@2026-06-01": "2027-12-01",
  "gpt-5.1@2025-11-13": "2027-05-15",
};
const VERSIONS: Record<string, string[]> = { "gpt-5": ["2025-08-07", "2026-06-01"], "gpt-5.1": ["2025-11-13"] };
/** A catalog where gpt-5 has a newer version offered everywhere, retiring later. */
const WITH_NEWER: CatalogView = {
  offered: () => true,
  retires: (model, version) => RETIRES[`${model}@${version}`],
  versions: model => VERSIONS[model] ?? [],
  models: () => ["gpt-5", "gpt-5.1"],
  replacement: () => undefined,
};

describe("models:upgrade", () => {
  test("with the real catalog: gpt-5 has no newer version; the current models offered there are listed, longest-lived first", () => {
    const withoutPool = { ...config(), "aoai-bcdr:workloadPtus": [] };
    const ups = upgrades(withoutPool, "2026-12-06", 90);
    expect(ups.map(u => `${u.use.model}@${u.use.version}`)).toEqual(["gpt-5@2025-08-07"]);
    expect(ups[0]).toMatchObject({ retires: "2027-02-06", daysLeft: 62 });
    expect(ups[0].to).toBeUndefined();
    // Offered on DataZoneStandard in both regions, not retiring within 90 days, not already deployed (gpt-5.1).
    expect(ups[0].alternatives[0]).toEqual({ model: "gpt-5.4-mini", version: "2026-03-17", retires: "2027-03-18" });
    expect(ups[0].alternatives.map(a => a.model)).not.toContain("gpt-5.1");
    expect(ups[0].alternatives.map(a => a.model)).not.toContain("gpt-5.4"); // retires 2027-03-05, within the window
    expect(withVersions(STACK, ups)).toBe(STACK);
    // With the PTU pool, a replacement must be offered as DataZoneProvisionedManaged in eastus2 too: none is.
    expect(upgrades(config(), "2026-12-06", 90)[0].alternatives).toEqual([]);
  });

  test("a newer version of the same model is proposed, and --write changes only the version values", () => {
    const ups = upgrades(config(), "2026-12-06", 90, WITH_NEWER);
    expect(ups[0].to).toEqual({ model: "gpt-5", version: "2026-06-01", retires: "2027-12-01" });
    expect(describeUpgrade(ups[0], WITH_NEWER, "2026-12-06")).toMatch(
      /-> version 2026-06-01 \(retires 2027-12-01\); --write sets it/,
    );
    const written = withVersions(STACK, ups);
    const changed = STACK.split("\n")
      .map((line, i) => [line, written.split("\n")[i]])
      .filter(([a, b]) => a !== b);
    expect(changed).toEqual([
      ['        version: "2025-08-07"', '        version: "2026-06-01"'],
      ["      version: '2025-08-07' # pinned", '      version: "2026-06-01" # pinned'],
    ]);
  });

  test("nothing retiring within the window: nothing proposed", () => {
    expect(upgrades(config(), "2026-10-01", 90)).toEqual([]);
  });

  test("the command prints without --write and leaves the file; an unknown stack is refused", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "models-upgrade-")), "Pulumi.x.yaml");
    fs.writeFileSync(file, STACK);
    const lines: string[] = [];
    const out = { log: (t: string) => lines.push(t), error: (t: string) => lines.push(t) };
    const before = process.env.AOAI_BCDR_TODAY;
    process.env.AOAI_BCDR_TODAY = "2026-12-06";
    try {
      expect(await modelsUpgradeCli(["--config", file, "--write"], out)).toBe(0);
      expect(lines.join("\n")).toMatch(/standard\.models\[0\]: gpt-5 2025-08-07 retires 2027-02-06, in 62 days/);
      expect(fs.readFileSync(file, "utf8")).toBe(STACK);
      expect(await modelsUpgradeCli(["--stack", "nosuch"], out)).toBe(2);
    } finally {
      if (before === undefined) delete process.env.AOAI_BCDR_TODAY;
      else process.env.AOAI_BCDR_TODAY = before;
    }
  });
});
