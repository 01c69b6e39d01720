/**
 * The GitHub Actions workflows, checked offline: each file against GitHub's workflow (or action) schema
 * with @action-validator/core, then what the pipeline must do, for every stack the stack files declare (the
 * stacks command's matrix, expanded here as GitHub expands it): test and plan every stack on pull requests,
 * preview the unprotected ones (not from forks) with the preview identity and a team token, deploy each stack
 * behind its own environment with its deploy identity, protected stacks' up applying the update plan their
 * reviewers approved, one Pulumi operation per stack at a time, every Pulumi token outliving its job, one pinned
 * Pulumi CLI, the pack released with an admin-scoped token to a named policy group, no stored secret.
 * Each check returns its problems, and a broken copy of the workflows shows it catching its case.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { validateAction, validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";
import { serviceTimeouts } from "../infra/gateway/service";
import { PACK_NAME } from "../policies/pack";
import { STACKS, StackMatrix, StackRow, stackMatrix, stacksCli } from "../stacks/cli/stacks";
import { RELEASE, decide, releaseCli } from "../stacks/cli/release";
import { EXIT } from "../stacks/cli/cli";

const root = path.resolve(__dirname, "..");
const read = (rel: string) => fs.readFileSync(path.join(root, rel), "utf8");
const workflowFiles = fs.readdirSync(path.join(root, ".github/workflows")).map(f => `.github/workflows/${f}`);
const actionFiles = fs.readdirSync(path.join(root, ".github/actions")).map(d => `.github/actions/${d}/action.yml`);

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string | boolean | number>;
  env?: Record<string, string>;
  "working-directory"?: string;
}
interface Job {
  needs?: string | string[];
  if?: string;
  "timeout-minutes"?: number;
  environment?: string;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  outputs?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  strategy?: { "fail-fast"?: boolean; matrix: { include: string } };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}
type Workflows = Record<"pull-request" | "deploy" | "release", Workflow>;
const loadWorkflows = (): Workflows =>
  Object.fromEntries(
    (["pull-request", "deploy", "release"] as const).map(n => [n, parse(read(`.github/workflows/${n}.yml`))]),
  ) as Workflows;
const pulumiCli = (job: Job) => job.steps.flatMap(s => s.run?.match(/pulumi (preview|up|policy) [^\n]*/g) ?? []);
const needs = (job: Job) => [job.needs ?? []].flat();
/** The job's step running the prepare action: its Azure and Pulumi logins. */
const login = (job: Job) => job.steps.find(s => s.uses === "./.github/actions/prepare");

/** The rows GitHub gives a job whose matrix is `include: ${{ fromJSON(needs.stacks.outputs.<wave>) }}`. */
function expand(wf: Workflow, name: string, matrix: StackMatrix): StackRow[] {
  const job = wf.jobs[name];
  const wave = /^\$\{\{ fromJSON\(needs\.stacks\.outputs\.(\w+)\) \}\}$/.exec(job.strategy?.matrix.include ?? "")?.[1];
  if (!wave || !(wave in matrix)) throw new Error(`${name}: its matrix is not a wave of the stacks job`);
  if (!needs(job).includes("stacks")) throw new Error(`${name}: does not need the stacks job`);
  if (wf.jobs.stacks.outputs?.[wave] !== `\${{ steps.list.outputs.${wave} }}`)
    throw new Error(`stacks: no output ${wave}`);
  return matrix[wave as keyof StackMatrix];
}

/** A job's value for one matrix row, as GitHub substitutes it. */
const resolve = (value: unknown, row: StackRow) =>
  value === undefined
    ? undefined
    : JSON.parse(
        JSON.stringify(value)
          .replaceAll("${{ matrix.stack }}", row.stack)
          .replaceAll("${{ matrix.policyConfig }}", row.policyConfig),
      );

/** Every stack of `root` planned and previewed on pull requests, deployed on main, each where it belongs. */
function coverageProblems(wfs: Workflows, stacksRoot: string): string[] {
  const matrix = stackMatrix(stacksRoot);
  const names = (rows: StackRow[]) => rows.map(r => r.stack);
  const problems: string[] = [];
  const pr = wfs["pull-request"];
  const lists = pr.jobs.stacks.steps.find(s => s.id === "list")?.run;
  if (lists !== 'npm run --silent stacks >> "$GITHUB_OUTPUT"') problems.push(`pull-request stacks: runs ${lists}`);
  if (names(expand(pr, "plan", matrix)).join() !== names(matrix.all).join()) problems.push("pull-request plan");
  // Stack Read can export and decrypt a stack: a pull request's code never gets it on a protected stack.
  if (names(expand(pr, "preview", matrix)).join() !== names(matrix.unprotected).join())
    problems.push("pull-request preview: not exactly the unprotected stacks");
  const deploy = wfs.deploy;
  const first = names(expand(deploy, "deploy", matrix));
  const [previewed, applied] = ["preview", "up"].map(j => names(expand(deploy, j, matrix)));
  if (applied.join() !== previewed.join()) problems.push("deploy: up does not apply every previewed stack");
  if ([...first, ...applied].sort().join() !== names(matrix.all).join())
    problems.push(`deploy: covers ${[...first, ...applied]}, not each of ${names(matrix.all)} once`);
  return problems;
}

/** Each deploy job outlasts its stacks' slowest API Management operation, with 30 minutes for the rest. */
function timeoutProblems(wfs: Workflows, stacksRoot: string): string[] {
  const matrix = stackMatrix(stacksRoot);
  return ["deploy", "up"].flatMap(name =>
    expand(wfs.deploy, name, matrix).flatMap(({ stack }) => {
      const gateway = parse(fs.readFileSync(path.join(stacksRoot, `Pulumi.${stack}.yaml`), "utf8")).config[
        "aoai-bcdr:gateway"
      ];
      const regions = gateway.mode === "multi-region" ? gateway.regions.length : 1;
      const needed = parseInt(serviceTimeouts(regions).create!, 10) + 30;
      const has = wfs.deploy.jobs[name]["timeout-minutes"] ?? 360;
      return has >= needed && has <= 360 ? [] : [`${name} ${stack}: ${has} minutes, needs ${needed} (at most 360)`];
    }),
  );
}

/** Per-environment variables: only in jobs with an environment. Deploy identity never on a pull request. */
const ENVIRONMENT_VARIABLES = ["AZURE_CLIENT_ID", "PULUMI_DEPLOY_TEAM"];
function identityProblems(wfs: Workflows): string[] {
  const problems: string[] = [];
  const pattern = new RegExp(`vars\\.(${ENVIRONMENT_VARIABLES.join("|")})\\b`);
  const readsEnvironment = (o: unknown) => pattern.test(JSON.stringify(o));
  for (const [file, wf] of Object.entries(wfs)) {
    if (readsEnvironment(wf.env ?? {})) problems.push(`${file}: workflow env reads an environment's variable`);
    if (
      JSON.stringify(wf.permissions) !==
      JSON.stringify({ contents: "read", ...(file === "release" ? { "id-token": "write" } : {}) })
    )
      problems.push(`${file}: workflow permissions ${JSON.stringify(wf.permissions)}`);
    for (const [name, job] of Object.entries(wf.jobs)) {
      const logsIn = job.steps.some(s => s.uses === "./.github/actions/prepare");
      if (readsEnvironment(job) && job.environment !== "${{ matrix.stack }}")
        problems.push(`${file} ${name}: reads an environment's variable without the stack's environment`);
      if (file !== "release" && logsIn !== (job.permissions?.["id-token"] === "write"))
        problems.push(`${file} ${name}: id-token ${job.permissions?.["id-token"]}, logs in: ${logsIn}`);
    }
  }
  const preview = wfs["pull-request"].jobs.preview;
  if (preview.environment !== undefined) problems.push("pull-request preview: has an environment");
  if (preview.env?.ARM_CLIENT_ID !== "${{ vars.AZURE_PREVIEW_CLIENT_ID }}")
    problems.push(`pull-request preview: Azure identity ${preview.env?.ARM_CLIENT_ID}`);
  const token = (job: Job) => login(job)?.with?.["pulumi-token"];
  if (token(preview) !== "team:${{ vars.PULUMI_PREVIEW_TEAM }}")
    problems.push(`pull-request preview: ${token(preview)}`);
  for (const name of ["deploy", "preview", "up"]) {
    const job = wfs.deploy.jobs[name];
    if (
      job.env?.ARM_CLIENT_ID !== "${{ vars.AZURE_CLIENT_ID }}" ||
      token(job) !== "team:${{ vars.PULUMI_DEPLOY_TEAM }}"
    )
      problems.push(`deploy ${name}: not the stack's deploy identity and team`);
  }
  if (token(wfs.release.jobs["publish-policy-pack"]) !== "organization:admin")
    problems.push("release: not an admin-scoped organization token");
  // A fork's run gets no id-token: its preview could only fail.
  if (!preview.if?.startsWith("github.event.pull_request.head.repo.full_name == github.repository &&"))
    problems.push(`pull-request preview: runs for forks (if: ${preview.if})`);
  return problems;
}

/** Protected stacks: up applies the plan the preview saved, after the environment's approval, one update at a time. */
function approvalProblems(deploy: Workflow): string[] {
  const problems: string[] = [];
  const { preview, up } = deploy.jobs;
  const row: StackRow = { stack: "prod", policyConfig: "policies/policy-config.prod.json" };
  if (!pulumiCli(preview).some(c => c.startsWith("pulumi preview") && c.includes("--save-plan plan.json")))
    problems.push("preview: does not save a plan");
  const uploaded = preview.steps.find(s => s.uses?.startsWith("actions/upload-artifact@"))?.with;
  const downloaded = up.steps.find(s => s.uses?.startsWith("actions/download-artifact@"))?.with;
  if (!uploaded || uploaded.path !== "plan.json" || downloaded?.name !== uploaded.name)
    problems.push("up: does not download the plan preview uploaded");
  if (!needs(up).includes("preview")) problems.push("up: does not need preview");
  // Every job checks out the pushed commit (actions/checkout's default ref on a push), so up applies that commit's plan.
  for (const [name, job] of Object.entries(deploy.jobs))
    if (job.steps.some(s => s.uses?.startsWith("actions/checkout@") && s.with?.ref !== undefined))
      problems.push(`${name}: checks out another ref`);
  for (const [name, job] of Object.entries(deploy.jobs).filter(([n]) => n !== "stacks")) {
    if (resolve(job.environment, row) !== "prod") problems.push(`${name}: not behind the stack's environment`);
    const ups = pulumiCli(job).filter(c => c.startsWith("pulumi up"));
    if (ups.some(c => !c.includes("--plan plan.json") || !c.includes("--policy-pack policies")))
      problems.push(`${name}: an up that does not apply the saved plan with the pack`);
    // A plan saved while an earlier up runs is stale before it is approved: previews share the stack's group.
    if (
      pulumiCli(job).length > 0 &&
      JSON.stringify(resolve(job.concurrency, row)) !==
        JSON.stringify({ group: "pulumi-aoai-bcdr-prod", "cancel-in-progress": false })
    )
      problems.push(`${name}: not in the stack's update group`);
  }
  return problems;
}

/** The GitHub job limit (https://docs.github.com/actions/reference/limits) and the issuer's default max expiration. */
const JOB_LIMIT_MINUTES = 360;
const ISSUER_MAX_SECONDS = 25 * 3600;

/** Every job that logs in holds a Pulumi token that outlives the job: a token expiring mid-update fails it. */
function tokenLifetimeProblems(wfs: Workflows): string[] {
  return Object.entries(wfs).flatMap(([file, wf]) =>
    Object.entries(wf.jobs).flatMap(([name, job]) => {
      if (!login(job)) return [];
      const seconds = login(job)!.with?.["pulumi-token-expiration"] ?? "(default: 7200)";
      const minutes = job["timeout-minutes"] ?? JOB_LIMIT_MINUTES;
      return Number(seconds) >= minutes * 60 && Number(seconds) <= ISSUER_MAX_SECONDS
        ? []
        : [`${file} ${name}: a token of ${seconds} seconds for a ${minutes}-minute job`];
    }),
  );
}

/** Every Pulumi CLI the workflows install is the one in .pulumi-version: a plan is applied by the CLI that saved it. */
function cliVersionProblems(wfs: Workflows): string[] {
  return Object.entries(wfs).flatMap(([file, wf]) =>
    Object.entries(wf.jobs).flatMap(([name, job]) =>
      job.steps
        .filter(s => s.uses?.startsWith("pulumi/actions@"))
        .flatMap(s =>
          s.with?.["pulumi-version-file"] === ".pulumi-version" && s.with?.["pulumi-version"] === undefined
            ? []
            : [`${file} ${name}: an unpinned Pulumi CLI`],
        ),
    ),
  );
}

describe("the workflows", () => {
  const workflows = loadWorkflows();

  test.each(workflowFiles)("%s is a valid workflow", file => {
    expect(validateWorkflow(read(file)).errors).toEqual([]);
  });

  test.each(actionFiles)("%s is a valid action", file => {
    expect(validateAction(read(file)).errors).toEqual([]);
  });

  test("the validator refuses a broken workflow", () => {
    const broken = read(".github/workflows/deploy.yml").replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest");
    expect(validateWorkflow(broken).errors).not.toEqual([]);
  });

  test("local actions they use exist", () => {
    const local = workflowFiles.flatMap(f => [...read(f).matchAll(/uses: (\.\/\S+)/g)].map(m => m[1]));
    expect(local.length).toBeGreaterThan(0);
    for (const action of local) expect(fs.existsSync(path.join(root, action, "action.yml"))).toBe(true);
  });

  test("no stored secret: OIDC to Azure and Pulumi, only the run's own GITHUB_TOKEN", () => {
    for (const file of [...workflowFiles, ...actionFiles]) {
      expect([...read(file).matchAll(/secrets\.(\w+)/g)].map(m => m[1]).filter(s => s !== "GITHUB_TOKEN")).toEqual([]);
    }
    const prepare = read(".github/actions/prepare/action.yml");
    expect(prepare).toContain("uses: azure/login@");
    expect(prepare).toContain("uses: pulumi/auth-actions@");
    for (const job of [workflows["pull-request"].jobs.preview, workflows.deploy.jobs.deploy])
      expect(job.env?.ARM_USE_OIDC).toBe("true");
  });

  test("triggers: pull requests to main (never pull_request_target), pushes to main, published releases", () => {
    expect(workflows["pull-request"].on).toEqual({ pull_request: { branches: ["main"] } });
    expect(workflows.deploy.on).toEqual({ push: { branches: ["main"] } });
    expect(workflows.release.on).toEqual({ release: { types: ["published"] } });
    for (const file of workflowFiles) expect(read(file)).not.toContain("pull_request_target");
  });

  test("pull requests: tests, then the plan of every stack as artifacts, then a preview of every unprotected stack with the local pack and a PR comment", () => {
    const { jobs } = workflows["pull-request"];
    expect(jobs.test.steps.map(s => s.run)).toContain("npm test");
    expect(jobs.plan.steps.map(s => s.run)).toContain(
      "npm run plan -- --stack ${{ matrix.stack }} --out out/${{ matrix.stack }}",
    );
    expect(jobs.plan.steps.find(s => s.uses?.startsWith("actions/upload-artifact@"))?.with?.path).toBe(
      "out/${{ matrix.stack }}/",
    );
    expect(needs(jobs.preview)).toContain("plan");
    expect(jobs.preview.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
    expect(jobs.preview.steps.filter(s => s.uses?.startsWith("pulumi/actions@")).map(s => s.with)).toEqual([
      expect.objectContaining({
        command: "preview",
        "comment-on-pr": true,
        "stack-name": "${{ env.PULUMI_ORG }}/aoai-bcdr/${{ matrix.stack }}",
        policyPacks: "policies",
        policyPackConfigs: "${{ matrix.policyConfig }}",
      }),
    ]);
  });

  test("every stack file's stack is planned, previewed and deployed, each in its wave", () => {
    expect(coverageProblems(workflows, root)).toEqual([]);
    const matrix = stackMatrix(root);
    expect(matrix.unprotected.map(r => r.stack)).toEqual(["dev"]);
    expect(matrix.protected).toEqual([{ stack: "prod", policyConfig: "policies/policy-config.prod.json" }]);
    const broken = loadWorkflows();
    broken.deploy.jobs.up.strategy!.matrix.include = "${{ fromJSON(needs.stacks.outputs.unprotected) }}";
    expect(coverageProblems(broken, root)).toEqual([
      "deploy: up does not apply every previewed stack",
      "deploy: covers dev,dev, not each of dev,prod once",
    ]);
    const exposed = loadWorkflows();
    exposed["pull-request"].jobs.preview.strategy!.matrix.include = "${{ fromJSON(needs.stacks.outputs.all) }}";
    expect(coverageProblems(exposed, root)).toEqual(["pull-request preview: not exactly the unprotected stacks"]);
    const unplanned = loadWorkflows();
    unplanned["pull-request"].jobs.plan.strategy!.matrix.include = "${{ fromJSON(needs.stacks.outputs.protected) }}";
    expect(() => coverageProblems(unplanned, root)).toThrow("stacks: no output protected");
  });

  test("each deploy job outlasts its stacks' slowest API Management operation, with 30 minutes for the rest", () => {
    expect(timeoutProblems(workflows, root)).toEqual([]);
    expect(serviceTimeouts(2).create).toBe("105m");
    const broken = loadWorkflows();
    broken.deploy.jobs.up["timeout-minutes"] = 120;
    expect(timeoutProblems(broken, root)).toEqual(["up prod: 120 minutes, needs 135 (at most 360)"]);
  });

  test("identities: previews with the preview identity and a team token (not from forks), deploys with the stack's environment, the release with an admin-scoped organization token", () => {
    expect(identityProblems(workflows)).toEqual([]);
    const broken = loadWorkflows();
    broken["pull-request"].jobs.preview.env!.ARM_CLIENT_ID = "${{ vars.AZURE_CLIENT_ID }}";
    expect(identityProblems(broken)).toEqual([
      "pull-request preview: reads an environment's variable without the stack's environment",
      "pull-request preview: Azure identity ${{ vars.AZURE_CLIENT_ID }}",
    ]);
    const elevated = loadWorkflows();
    elevated.deploy.permissions["id-token"] = "write";
    delete elevated.deploy.jobs.up.environment;
    expect(identityProblems(elevated)).toEqual([
      'deploy: workflow permissions {"contents":"read","id-token":"write"}',
      "deploy up: reads an environment's variable without the stack's environment",
    ]);
    const member = loadWorkflows();
    login(member.release.jobs["publish-policy-pack"])!.with!["pulumi-token"] = "organization";
    delete member["pull-request"].jobs.preview.if;
    expect(identityProblems(member)).toEqual([
      "release: not an admin-scoped organization token",
      "pull-request preview: runs for forks (if: undefined)",
    ]);
    // The prepare action asks for the admin scope exactly when it is not asked for a team token.
    const auth = (parse(read(".github/actions/prepare/action.yml")) as { runs: { steps: Step[] } }).runs.steps.find(s =>
      s.uses?.startsWith("pulumi/auth-actions@"),
    )!.with!;
    expect(auth.scope).toBe("${{ startsWith(inputs.pulumi-token, 'team:') && inputs.pulumi-token || 'admin' }}");
    expect(auth["token-expiration"]).toBe("${{ inputs.pulumi-token-expiration }}");
  });

  test("every Pulumi token outlives its job: the exchange's 2-hour default would end a long update", () => {
    expect(tokenLifetimeProblems(workflows)).toEqual([]);
    const short = loadWorkflows();
    delete login(short.deploy.jobs.up)!.with!["pulumi-token-expiration"];
    login(short.release.jobs["publish-policy-pack"])!.with!["pulumi-token-expiration"] = 7200;
    short.release.jobs["publish-policy-pack"]["timeout-minutes"] = 180;
    expect(tokenLifetimeProblems(short)).toEqual([
      "deploy up: a token of (default: 7200) seconds for a 300-minute job",
      "release publish-policy-pack: a token of 7200 seconds for a 180-minute job",
    ]);
  });

  test("preview and up install the Pulumi CLI of .pulumi-version, the SDK's version", () => {
    expect(cliVersionProblems(workflows)).toEqual([]);
    const sdk = JSON.parse(read("package.json")).dependencies["@pulumi/pulumi"];
    expect(read(".pulumi-version")).toBe(`${sdk}\n`);
    const unpinned = loadWorkflows();
    delete unpinned.deploy.jobs.up.steps.find(s => s.uses?.startsWith("pulumi/actions@"))!.with;
    unpinned["pull-request"].jobs.preview.steps.find(s => s.uses?.startsWith("pulumi/actions@"))!.with![
      "pulumi-version"
    ] = "^3";
    expect(cliVersionProblems(unpinned)).toEqual([
      "pull-request preview: an unpinned Pulumi CLI",
      "deploy up: an unpinned Pulumi CLI",
    ]);
  });

  test("main: protected stacks' up applies, after approval, the plan their preview saved; one Pulumi operation per stack at a time", () => {
    expect(approvalProblems(workflows.deploy)).toEqual([]);
    expect(needs(workflows.deploy.jobs.preview)).toContain("deploy");
    expect(pulumiCli(workflows.deploy.jobs.deploy)).toEqual([
      expect.stringMatching(/^pulumi preview --stack "\$STACK" --save-plan plan\.json --policy-pack policies/),
      expect.stringMatching(/^pulumi up --stack "\$STACK" --yes --plan plan\.json --policy-pack policies/),
    ]);
    const broken = loadWorkflows();
    broken.deploy.jobs.up.steps = broken.deploy.jobs.up.steps.map(s =>
      s.run ? { ...s, run: s.run.replace(" --plan plan.json", "") } : s,
    );
    broken.deploy.jobs.up.needs = ["stacks"];
    delete broken.deploy.jobs.preview.concurrency;
    expect(approvalProblems(broken.deploy)).toEqual([
      "up: does not need preview",
      "preview: not in the stack's update group",
      "up: an up that does not apply the saved plan with the pack",
    ]);
  });

  test("release: the tag is checked, the pack published unless listed, and enabled on the named policy group", () => {
    const { env, jobs } = workflows.release;
    expect(env).toMatchObject({ PULUMI_POLICY_GROUP: "${{ vars.PULUMI_POLICY_GROUP }}" });
    const steps = jobs["publish-policy-pack"].steps;
    const at = (p: (s: Step) => boolean) => steps.findIndex(p);
    const tag = at(s => s.run === 'npm run --silent release:check -- --tag "$TAG"');
    const publish = at(s => s.run === 'pulumi policy publish "$PULUMI_ORG"');
    expect(tag).toBeGreaterThan(-1);
    expect(tag).toBeLessThan(publish);
    expect(steps[publish]).toMatchObject({
      "working-directory": "policies",
      if: "steps.check.outputs.publish == 'true'",
    });
    const decideStep = steps.find(s => s.id === "check")!;
    expect(decideStep.run).toContain(`--pack ${PACK_NAME}`);
    expect(decideStep.run).toContain('--policy-group "$PULUMI_POLICY_GROUP"');
    const enable = steps.find(s => s.run?.startsWith("pulumi policy enable"))!;
    expect(enable).toMatchObject({ if: "steps.check.outputs.enable == 'true'" });
    expect(enable.run).toBe(
      `pulumi policy enable "$PULUMI_ORG/${PACK_NAME}" "$VERSION" --policy-group "$PULUMI_POLICY_GROUP"`,
    );
  });
});

describe("adding a stack is adding its stack file", () => {
  let copy: string;
  beforeAll(() => {
    copy = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-bcdr-stacks-"));
    fs.mkdirSync(path.join(copy, "policies"));
    for (const f of fs.readdirSync(root).filter(f => /^Pulumi\..*yaml$/.test(f)))
      fs.copyFileSync(path.join(root, f), path.join(copy, f));
    for (const f of fs.readdirSync(path.join(root, "policies")).filter(f => f.startsWith("policy-config.")))
      fs.copyFileSync(path.join(root, "policies", f), path.join(copy, "policies", f));
    fs.copyFileSync(path.join(root, "Pulumi.prod.yaml"), path.join(copy, "Pulumi.staging.yaml"));
    fs.copyFileSync(path.join(root, "Pulumi.dev.yaml"), path.join(copy, "Pulumi.sandbox.yaml"));
  });
  afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

  test("the copies join their waves with the pack's defaults, and every workflow check still passes", () => {
    const matrix = stackMatrix(copy);
    expect(matrix.unprotected).toEqual([
      { stack: "dev", policyConfig: "policies/policy-config.dev.json" },
      { stack: "sandbox", policyConfig: "" },
    ]);
    expect(matrix.protected.map(r => r.stack)).toEqual(["prod", "staging"]);
    const workflows = loadWorkflows();
    expect([...coverageProblems(workflows, copy), ...timeoutProblems(workflows, copy)]).toEqual([]);
    // Each copy is previewed and deployed like the stack it copies: the protected one behind its own environment.
    const [sandbox, staging] = [matrix.unprotected[1], matrix.protected[1]];
    expect(resolve(workflows.deploy.jobs.up.environment, staging)).toBe("staging");
    expect(resolve(workflows["pull-request"].jobs.preview.steps, sandbox)).toContainEqual(
      expect.objectContaining({
        with: expect.objectContaining({
          "stack-name": "${{ env.PULUMI_ORG }}/aoai-bcdr/sandbox",
          policyPackConfigs: "",
        }),
      }),
    );
  });

  test("a stack file without aoai-bcdr:protect is protected, as the program's schema defaults it", () => {
    const prod = fs.readFileSync(path.join(root, "Pulumi.prod.yaml"), "utf8");
    expect(prod).toMatch(/^ {2}aoai-bcdr:protect: true\n/m);
    const file = path.join(copy, "Pulumi.qa.yaml");
    fs.writeFileSync(file, prod.replace(/^ {2}aoai-bcdr:protect: true\n/m, ""));
    expect(stackMatrix(copy).protected.map(r => r.stack)).toEqual(["prod", "qa", "staging"]);
    // The program reads a quoted value as JSON text: "false" is false there, and here.
    fs.writeFileSync(file, prod.replace("aoai-bcdr:protect: true", 'aoai-bcdr:protect: "false"'));
    expect(stackMatrix(copy).unprotected.map(r => r.stack)).toEqual(["dev", "qa", "sandbox"]);
    fs.writeFileSync(file, prod.replace("aoai-bcdr:protect: true", "aoai-bcdr:protect: maybe"));
    expect(() => stackMatrix(copy)).toThrow("Pulumi.qa.yaml: aoai-bcdr:protect must be true or false");
    fs.rmSync(file);
  });

  test("the stacks command prints the matrix as step outputs, and refuses a stack file it cannot read", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { log: (t: string) => out.push(t), error: (t: string) => err.push(t) };
    expect(await stacksCli([], io, copy)).toBe(EXIT.ok);
    const lines = out.join("\n").split("\n");
    expect(lines.map(l => l.split("=")[0])).toEqual(["all", "unprotected", "protected"]);
    expect(JSON.parse(lines[0].slice(4)).map((r: StackRow) => r.stack)).toEqual(["dev", "prod", "sandbox", "staging"]);
    fs.writeFileSync(path.join(copy, "Pulumi.broken.yaml"), "config: [unclosed\n");
    expect(await stacksCli([], io, copy)).toBe(EXIT.usage);
    expect(err.join("\n")).toMatch(/^stacks: Pulumi\.broken\.yaml: not a readable stack file/);
    fs.rmSync(path.join(copy, "Pulumi.broken.yaml"));
  });
});

describe("the prepare action refuses to log in with an empty or unallowed variable", () => {
  const action = parse(read(".github/actions/prepare/action.yml")) as { runs: { steps: Step[] } };
  const check = action.runs.steps.find(s => s.name === "Check the identities")!;
  const vars = {
    PULUMI_ORG: "contoso",
    ARM_CLIENT_ID: "c",
    ARM_TENANT_ID: "t",
    ARM_SUBSCRIPTION_ID: "s",
    PULUMI_TOKEN_EXPIRATION: "18000",
  };
  // As the runner starts a `shell: bash` step: `bash --noprofile --norc -eo pipefail {0}`
  // (https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idstepsshell).
  // Without --norc, bash started with a socket as stdin (how Node's spawn pipes it) takes itself for a remote
  // shell and sources the user's ~/.bashrc first (bash(1), INVOCATION): seconds of someone else's setup per run.
  const run = (env: Record<string, string>) =>
    spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", check.run!], {
      env: { PATH: process.env.PATH, ...env },
      encoding: "utf8",
    });

  test("it runs before either login, and passes when every variable is set", () => {
    const names = action.runs.steps.map(s => s.name ?? s.uses);
    expect(names.indexOf("Check the identities")).toBeLessThan(names.indexOf("Log in to Azure (OIDC)"));
    expect(check.env).toEqual({
      AZURE_LOGIN: "${{ inputs.azure-login }}",
      PULUMI_TOKEN: "${{ inputs.pulumi-token }}",
      PULUMI_TOKEN_EXPIRATION: "${{ inputs.pulumi-token-expiration }}",
    });
    expect(run({ ...vars, AZURE_LOGIN: "true", PULUMI_TOKEN: "team:aoai-bcdr-preview" }).status).toBe(0);
    const release = { PULUMI_ORG: "contoso", AZURE_LOGIN: "false", PULUMI_TOKEN_EXPIRATION: "900" };
    expect(run({ ...release, PULUMI_TOKEN: "organization:admin" }).status).toBe(0);
  });

  test.each([
    [{ ARM_SUBSCRIPTION_ID: "" }, "ARM_SUBSCRIPTION_ID"],
    [{ ARM_CLIENT_ID: "", PULUMI_ORG: "" }, "PULUMI_ORG ARM_CLIENT_ID"],
    [{ PULUMI_TOKEN: "team:" }, "pulumi-token ('team:')"],
    [{ PULUMI_TOKEN: "" }, "pulumi-token ('')"],
    // An organization token without the admin scope cannot publish the pack: only the admin one is accepted.
    [{ PULUMI_TOKEN: "organization" }, "pulumi-token ('organization')"],
    [{ PULUMI_TOKEN_EXPIRATION: "" }, "pulumi-token-expiration ('')"],
    [{ PULUMI_TOKEN_EXPIRATION: "2h" }, "pulumi-token-expiration ('2h')"],
  ])("%j is refused, naming it", (override, named) => {
    const r = run({ ...vars, AZURE_LOGIN: "true", PULUMI_TOKEN: "team:aoai-bcdr-deploy", ...override });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(
      `::error::empty or not allowed: ${named} (docs/pipelines.md lists the variables and inputs each job sets)\n`,
    );
  });
});

test.each([
  ["stacks", STACKS],
  ["release:check", RELEASE],
] as const)(
  "%s --help prints its usage, whose exit codes the command-line page gives word for word; an unknown flag exits 2",
  async (_n, cmd) => {
    const out: string[] = [];
    const cli = cmd === STACKS ? stacksCli : releaseCli;
    expect(await cli(["--help"], { log: t => out.push(t), error: t => out.push(t) })).toBe(EXIT.ok);
    expect(out).toEqual([cmd.usage]);
    expect(fs.readFileSync(path.join(root, "docs", "cli.md"), "utf8")).toContain(cmd.usage.split("\n").pop()!);
    const refused: string[] = [];
    expect(await cli(["--nope"], { log: t => refused.push(t), error: t => refused.push(t) })).toBe(EXIT.usage);
    expect(refused[0]).toMatch(new RegExp(`^${cmd.name}: Unknown option '--nope'`));
  },
);

describe("the release's version has one source, policies/package.json", () => {
  const version = JSON.parse(read("policies/package.json")).version as string;
  const run = async (argv: string[]) => {
    const io = { out: [] as string[], err: [] as string[] };
    const code = await releaseCli(argv, { log: t => io.out.push(t), error: t => io.err.push(t) });
    return { code, ...io };
  };

  test("the tag must be v<version>: any other tag is refused before anything is published", async () => {
    expect(await run(["--tag", `v${version}`])).toMatchObject({ code: EXIT.ok, out: [`version=${version}`] });
    for (const tag of [version, "v9.9.9", `v${version}-rc.1`]) {
      const r = await run(["--tag", tag]);
      expect(r.code).toBe(EXIT.usage);
      expect(r.err.join()).toContain(`is not v<policies/package.json version> (v${version})`);
    }
  });

  test("re-running a release skips the publish; an older release leaves a newer version enabled", () => {
    expect(decide("0.2.0", "p", [])).toMatchObject({ publish: true, enable: true });
    expect(decide("0.2.0", "p", [{ name: "other", versions: ["0.2.0"] }])).toMatchObject({
      publish: true,
      enable: true,
    });
    expect(decide("0.2.0", "p", [{ name: "p", versions: ["0.1.0", "0.2.0"] }])).toMatchObject({
      publish: false,
      enable: true,
    });
    expect(decide("0.2.0", "p", [{ name: "p", versions: ["0.2.0", "0.10.0"] }])).toMatchObject({
      publish: false,
      enable: false,
    });
    // A prerelease is published, never enabled, and never holds a release back.
    expect(decide("0.3.0-rc.1", "p", [{ name: "p", versions: ["0.2.0"] }])).toMatchObject({
      publish: true,
      enable: false,
    });
    expect(decide("0.2.0", "p", [{ name: "p", versions: ["0.3.0-rc.1"] }])).toMatchObject({
      publish: true,
      enable: true,
    });
  });

  test("the policy group must be named, and not the organization's default", async () => {
    const published = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "aoai-bcdr-release-")), "published.json");
    fs.writeFileSync(published, JSON.stringify([{ name: PACK_NAME, versions: [version] }]));
    const args = (group: string) => [
      "--tag",
      `v${version}`,
      "--pack",
      PACK_NAME,
      "--published",
      published,
      "--policy-group",
      group,
    ];
    expect(await run(args("aoai-bcdr"))).toMatchObject({
      code: EXIT.ok,
      out: [`version=${version}\npublish=false\nenable=true`],
    });
    for (const group of ["", "default-policy-group"]) expect((await run(args(group))).code).toBe(EXIT.usage);
    fs.writeFileSync(published, "not json");
    expect((await run(args("aoai-bcdr"))).err.join()).toContain("not the output of `pulumi policy ls --json`");
    fs.rmSync(path.dirname(published), { recursive: true, force: true });
  });
});
