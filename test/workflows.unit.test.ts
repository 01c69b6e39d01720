/**
 * The GitHub Actions workflows, checked offline: each file against GitHub's workflow (or action) schema
 * with @action-validator/core, then what the pipeline must do: test and plan every stack on pull
 * requests, preview and deploy every stack with the policy pack, one update per stack at a time, prod
 * behind an approval, the pack published on release, and no stored secret anywhere.
 */
import * as fs from "fs";
import * as path from "path";
import { validateAction, validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";
import { serviceTimeouts } from "../infra/gateway/service";

const root = path.resolve(__dirname, "..");
const read = (rel: string) => fs.readFileSync(path.join(root, rel), "utf8");
const workflowFiles = fs.readdirSync(path.join(root, ".github/workflows")).map(f => `.github/workflows/${f}`);
const actionFiles = fs.readdirSync(path.join(root, ".github/actions")).map(d => `.github/actions/${d}/action.yml`);
const stacks = fs
  .readdirSync(root)
  .flatMap(f => /^Pulumi\.(\w+)\.yaml$/.exec(f)?.[1] ?? [])
  .sort();

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string | boolean>;
  "working-directory"?: string;
}
interface Job {
  needs?: string | string[];
  "timeout-minutes"?: number;
  environment?: string;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  strategy?: { matrix: { stack: string[] } };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}
const workflow = (name: string) => parse(read(`.github/workflows/${name}.yml`)) as Workflow;
const pulumiSteps = (job: Job) => job.steps.filter(s => s.uses?.startsWith("pulumi/actions@"));

describe("the workflows", () => {
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
    for (const name of ["pull-request", "deploy"])
      expect(parse(read(`.github/workflows/${name}.yml`)).env.ARM_USE_OIDC).toBe("true");
  });

  test("pull requests: tests, then the plan of every stack as artifacts, then a preview of every stack with the policy pack and a PR comment", () => {
    const { on, jobs } = workflow("pull-request");
    expect(Object.keys(on)).toEqual(["pull_request"]);
    expect(jobs.test.steps.map(s => s.run)).toContain("npm test");
    expect(jobs.plan.strategy!.matrix.stack).toEqual(stacks);
    expect(jobs.plan.steps.map(s => s.run)).toContain(
      "npm run plan -- --stack ${{ matrix.stack }} --out out/${{ matrix.stack }}",
    );
    expect(jobs.plan.steps.find(s => s.uses?.startsWith("actions/upload-artifact@"))?.with?.path).toBe(
      "out/${{ matrix.stack }}/",
    );
    expect(jobs.preview.strategy!.matrix.stack).toEqual(stacks);
    expect(pulumiSteps(jobs.preview).map(s => s.with)).toEqual([
      expect.objectContaining({
        command: "preview",
        "comment-on-pr": true,
        "stack-name": "${{ env.PULUMI_ORG }}/aoai-bcdr/${{ matrix.stack }}",
        policyPacks: "policies",
        policyPackConfigs: "policies/policy-config.${{ matrix.stack }}.json",
      }),
    ]);
    for (const stack of stacks)
      expect(fs.existsSync(path.join(root, `policies/policy-config.${stack}.json`))).toBe(true);
  });

  test("main: up on dev, then prod behind its environment, one run per stack at a time, with the policy pack", () => {
    const { on, jobs } = workflow("deploy");
    expect(on).toEqual({ push: { branches: ["main"] } });
    expect(jobs.prod.needs).toBe("dev");
    for (const stack of stacks) {
      const job = jobs[stack];
      expect(job.environment).toBe(stack);
      expect(job.concurrency).toEqual({ group: `pulumi-aoai-bcdr-${stack}`, "cancel-in-progress": false });
      expect(pulumiSteps(job).map(s => s.with)).toEqual([
        expect.objectContaining({
          command: "up",
          "stack-name": `\${{ env.PULUMI_ORG }}/aoai-bcdr/${stack}`,
          policyPacks: "policies",
          policyPackConfigs: `policies/policy-config.${stack}.json`,
        }),
      ]);
    }
  });

  test("each deploy job outlasts its stack's slowest API Management operation, with 30 minutes for the rest of the stack", () => {
    const { jobs } = workflow("deploy");
    for (const stack of stacks) {
      const gateway = parse(read(`Pulumi.${stack}.yaml`)).config["aoai-bcdr:gateway"];
      const regions = gateway.mode === "multi-region" ? gateway.regions.length : 1;
      const serviceMinutes = parseInt(serviceTimeouts(regions).create!, 10);
      expect(jobs[stack]["timeout-minutes"]).toBeGreaterThanOrEqual(serviceMinutes + 30);
    }
    expect(serviceTimeouts(2).create).toBe("105m");
  });

  test("release: publishes the pack from policies/ and enables it for the organization", () => {
    const { on, jobs } = workflow("release");
    expect(on).toEqual({ release: { types: ["published"] } });
    const steps = jobs["publish-policy-pack"].steps;
    expect(steps).toContainEqual(
      expect.objectContaining({ "working-directory": "policies", run: 'pulumi policy publish "$PULUMI_ORG"' }),
    );
    expect(steps.map(s => s.run)).toContain('pulumi policy enable "$PULUMI_ORG/aoai-bcdr-guardrails" latest');
  });
});
