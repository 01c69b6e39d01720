/**
 * What a release of the policy pack does, decided before the Pulumi CLI changes anything. The version has one
 * source, `policies/package.json` (`pulumi policy publish` reads a Node.js pack's version from it:
 * https://www.pulumi.com/tutorials/custom-policy-pack/publish-and-enforce-policy-pack/), and the release
 * tag must be `v<that version>`. A version is published once: Pulumi Cloud refuses a version tag that exists,
 * even one removed with `pulumi policy rm` ("[400] Bad Request: Policy Pack: <name>, Version Tag: <v> already
 * exists", https://github.com/pulumi/docs/issues/2843), so a re-run skips the publish of a listed version;
 * a removed one is not listed and its publish fails, changing nothing. The release enables its version on the
 * named policy group only while no newer version is published, so re-running an old release never downgrades
 * the group; never on the organization's default group, which judges every stack of the organization.
 *
 * Prints step outputs (`version=`, `publish=`, `enable=`) for `$GITHUB_OUTPUT`; its reasons go to stderr.
 * Usage and exit codes: RELEASE.usage below, and docs/cli.md.
 */
import * as path from "path";
import * as semver from "semver";
import { Command, EXIT, Output, UsageError, main, parseCommand, runCommand } from "./cli";
import { readUserFile } from "./errors";

export const RELEASE: Command = {
  name: "release:check",
  usage: [
    "usage: npm run --silent release:check -- --tag <tag> [--pack <name> --published <file> --policy-group <name>]",
    "  --tag <tag>            the release tag: must be v<policies/package.json version>",
    "  --pack <name>          the pack's name (policies/pack.ts)",
    "  --published <file>     the output of `pulumi policy ls <org> --json`",
    "  --policy-group <name>  the policy group the release enables the version on (never the default group)",
    "  -h, --help             this text",
    "exit codes: 0 checked (the step outputs say what to do), 2 a tag that is not the pack's version, a refused flag, file or group, 3 internal error",
  ].join("\n"),
};

/** What the Pulumi Cloud organization holds: `pulumi policy ls --json` (pkg/cmd/pulumi/policy/policy_ls.go, policyPacksJSON). */
interface PublishedPack {
  readonly name: string;
  readonly versions: string[];
}

export interface ReleaseDecision {
  readonly version: string;
  readonly publish: boolean;
  readonly enable: boolean;
  /** Why, one line each, for the job's log. */
  readonly reasons: string[];
}

/**
 * Pulumi Cloud's name for the group every stack outside another group belongs to (`isOrgDefault`;
 * https://www.pulumi.com/docs/pulumi-cloud/reference/policy-groups/, List Policy Groups).
 */
const DEFAULT_GROUP = "default-policy-group";

const ROOT = path.resolve(__dirname, "..", "..");

/** The pack's version, from `policies/package.json`. */
export function packVersion(root = ROOT): string {
  const file = path.join(root, "policies", "package.json");
  const version = (JSON.parse(readUserFile(file, m => new UsageError(m))) as { version?: string }).version;
  if (!version || !semver.valid(version)) throw new UsageError(`${file}: "version" must be a semantic version`);
  return version;
}

/** The tag must name the version `pulumi policy publish` will publish. */
export function checkTag(tag: string, version: string): void {
  if (tag !== `v${version}`)
    throw new UsageError(
      `tag '${tag}' is not v<policies/package.json version> (v${version}): tag the release v${version}, or set the version in policies/package.json and tag that`,
    );
}

function checkGroup(group: string): void {
  if (group.trim() === "")
    throw new UsageError("--policy-group is empty: `pulumi policy enable` would enable the pack on the default group");
  if (group === DEFAULT_GROUP)
    throw new UsageError(`--policy-group ${DEFAULT_GROUP}: the default group judges every stack of the organization`);
}

function readPublished(file: string): PublishedPack[] {
  const text = readUserFile(file, m => new UsageError(`--published ${m}`));
  try {
    const packs = JSON.parse(text) as PublishedPack[];
    if (!Array.isArray(packs) || packs.some(p => typeof p.name !== "string" || !Array.isArray(p.versions)))
      throw new Error("not an array of {name, versions}");
    return packs;
  } catch (e) {
    throw new UsageError(`--published ${file}: not the output of \`pulumi policy ls --json\`: ${(e as Error).message}`);
  }
}

/**
 * Publish unless the version is listed; enable unless a newer release is published. A prerelease
 * (`0.3.0-rc.1`) is published for trials (`pulumi preview --policy-pack` or a group of its own) and never
 * enabled on the group, nor does it hold a release back.
 */
export function decide(version: string, pack: string, published: readonly PublishedPack[]): ReleaseDecision {
  const versions = published.find(p => p.name === pack)?.versions ?? [];
  const publish = !versions.includes(version);
  const isRelease = (v: string) => semver.valid(v) !== null && semver.prerelease(v) === null;
  const newer = versions.filter(v => isRelease(v) && semver.gt(v, version));
  const enable = isRelease(version) && newer.length === 0;
  const reasons = [
    publish
      ? `${pack} ${version} is not published: publishing it`
      : `${pack} ${version} is already published: skipping the publish (a version is never replaced)`,
    !isRelease(version)
      ? `${version} is a prerelease: leaving the policy group as it is`
      : newer.length === 0
        ? `${version} is the newest version: enabling it on the policy group`
        : `a newer version is published (${newer.join(", ")}): leaving the policy group as it is`,
  ];
  return { version, publish, enable, reasons };
}

interface ReleaseOptions {
  tag: string;
  pack?: string;
  published?: string;
  policyGroup?: string;
}

function parseReleaseArgs(argv: readonly string[]): ReleaseOptions {
  const opts = { tag: { type: "string" }, pack: { type: "string" }, published: { type: "string" } } as const;
  const { values } = parseCommand(RELEASE, argv, { ...opts, "policy-group": { type: "string" } });
  if (values.tag === undefined) throw new UsageError(`--tag is required\n${RELEASE.usage}`);
  const publishing = [values.pack, values.published, values["policy-group"]];
  if (publishing.some(v => v !== undefined) && publishing.some(v => v === undefined))
    throw new UsageError(`--pack, --published and --policy-group go together\n${RELEASE.usage}`);
  return { tag: values.tag, pack: values.pack, published: values.published, policyGroup: values["policy-group"] };
}

export function releaseCli(argv: readonly string[], out: Output = console, root = ROOT): Promise<number> {
  return runCommand(
    RELEASE,
    async () => {
      const opts = parseReleaseArgs(argv);
      const version = packVersion(root);
      checkTag(opts.tag, version);
      const lines = [`version=${version}`];
      if (opts.pack !== undefined) {
        checkGroup(opts.policyGroup!);
        const d = decide(version, opts.pack, readPublished(opts.published!));
        d.reasons.forEach(r => out.error(`release:check: ${r}`));
        lines.push(`publish=${d.publish}`, `enable=${d.enable}`);
      }
      out.log(lines.join("\n"));
      return EXIT.ok;
    },
    out,
  );
}

if (require.main === module) main(releaseCli);
