/**
 * The clients' page and its examples (docs/clients.md, docs/examples/): the stack output `clients` is derived
 * from the gateway's chains, the TypeScript example type-checks against the pinned `openai` SDK and sends what
 * the gateway reads (both caller modes, both URL styles, the output's timeout and retries), the Python examples
 * compile and read the same output, and the page's figures for prod are the program's.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import { DEPLOYMENT_EXPRESSION } from "../infra/gateway/policy/routing";
import { GATEWAY_MARGIN_SECONDS } from "../infra/gateway/clientSettings";
import type { ClientSettings, StackOutputs } from "../infra/outputs";
import { deploymentsClient, v1Client } from "../docs/examples/typescript/gatewayClient";
import { renderClients } from "../stacks/cli/plan";
import { runStack } from "./support";

const root = path.resolve(__dirname, "..");
const examples = path.join(root, "docs", "examples");
const outputsOf = async (stack: string) => (await runStack(stack)).outputs as unknown as StackOutputs;

describe("the stack output clients", () => {
  test("prod: every application's timeout covers its chains' capped walk, its retries the steps one region holds", async () => {
    const outputs = await outputsOf("prod");
    expect(Object.keys(outputs.clients)).toEqual(Object.keys(outputs.applications));
    for (const [app, c] of Object.entries(outputs.clients)) {
      // Every prod chain's bounds add up past the 180 s deadline (60 + 60 + 4 × 120 for a workload's): the deadline caps it.
      expect(c).toMatchObject({ callerAuth: "entra", gatewayWaitSeconds: 180, apiVersion: "2025-04-01-preview" });
      expect(c.timeoutSeconds).toBe(c.gatewayWaitSeconds + GATEWAY_MARGIN_SECONDS);
      expect(c.callBudgetSeconds).toBe((c.maxRetries + 1) * c.timeoutSeconds);
      expect(c.scope).toBe(`${outputs.gateway.audience}/.default`);
      expect(c.baseUrl).toBe(`${c.endpoint}/openai/v1/`);
      expect(c.endpoint).toBe(`https://${outputs.entry.mode === "private" && outputs.entry.gatewayHost}`);
      const chains = outputs.applications[app].chains.map(name => outputs.chains[name]);
      expect(c.deployments).toEqual(chains.map(ch => ch.deployment));
    }
    // claims-assistant's chains hold three East US 2 steps (its PTU, standard-primary, the overflow's): 3 + 1 retries.
    expect(outputs.clients["claims-assistant"].maxRetries).toBe(4);
    expect(outputs.clients["doc-search"].maxRetries).toBe(3);
  });

  test("dev: subscription keys, and a chain shorter than the deadline gives a shorter wait", async () => {
    const outputs = await outputsOf("dev");
    const c = outputs.clients.playground;
    expect(c).toMatchObject({ callerAuth: "subscription-key", keyHeader: "api-key", scope: undefined });
    expect(c.keySecret).toBe(outputs.gateway.subscriptionKeySecrets!.playground.primary);
    // Two standard steps of 120 s, capped by the 180 s deadline; public mode keeps it inside Front Door's 240 s.
    expect(c.gatewayWaitSeconds).toBe(180);
    expect(c.timeoutSeconds).toBeLessThanOrEqual(240);
    expect(c.maxRetries).toBe(2);
  });
});

test("the plan prints each application's settings, one line each", async () => {
  const outputs = await outputsOf("prod");
  const lines = renderClients(outputs).split("\n").slice(1);
  expect(lines.map(l => l.trim().split(":")[0])).toEqual(Object.keys(outputs.clients));
  expect(lines[0]).toContain("timeout 190 s (gateway waits up to 180 s), maxRetries 4, up to 950 s per call");
  expect(renderClients({ ...outputs, clients: {} })).toBe("client settings: no application yet");
});

/** The prod figures the page states, row by row: `| application | timeout | maxRetries | call budget |`. */
function documentedBudgets(): Record<string, number[]> {
  const page = fs.readFileSync(path.join(root, "docs", "clients.md"), "utf8");
  const table = page.split("<!-- prod budgets -->")[1] ?? "";
  return Object.fromEntries(
    [...table.matchAll(/^\| `([\w-]+)` +\| (\d+) s +\| (\d+) +\| (\d+) s +\|/gm)].map(m => [
      m[1],
      [Number(m[2]), Number(m[3]), Number(m[4])],
    ]),
  );
}

test("the page's prod timeouts, retries and call budgets are the program's", async () => {
  const outputs = await outputsOf("prod");
  const program = Object.fromEntries(
    Object.entries(outputs.clients).map(([app, c]) => [app, [c.timeoutSeconds, c.maxRetries, c.callBudgetSeconds]]),
  );
  expect(documentedBudgets()).toEqual(program);
});

test("the page quotes the example files as they are", () => {
  const page = fs.readFileSync(path.join(root, "docs", "clients.md"), "utf8");
  for (const file of ["typescript/gatewayClient.ts", "python/gateway_client.py"])
    expect(page).toContain(fs.readFileSync(path.join(examples, file), "utf8"));
});

/** A client option the SDK does not take, in a copy of the example that the check must refuse. */
const BROKEN = { file: "gatewayClient.ts", from: "maxRetries:", to: "retries:" };

/**
 * The TypeScript examples type-checked with their tsconfig and, beside them in the same program, the example with
 * BROKEN applied (in a folder of its own, so its diagnostics name the file as the example's would): one compiler
 * parses and resolves the SDK's declarations once for both. Each check reports its own files' diagnostics; nothing
 * imports the copy, so the examples' diagnostics are those of a program without it.
 */
let checked: { examples: string[]; broken: string[] } | undefined;
function exampleDiagnostics(): { examples: string[]; broken: string[] } {
  if (checked) return checked;
  const dir = path.join(examples, "typescript");
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(dir, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: d => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  )!;
  const copy = path.join(dir, "broken-option", BROKEN.file);
  const host = ts.createCompilerHost(config.options);
  const { fileExists, readFile } = host;
  host.fileExists = file => path.resolve(file) === copy || fileExists(file);
  host.readFile = file =>
    path.resolve(file) === copy
      ? readFile(path.join(dir, BROKEN.file))!.replace(BROKEN.from, BROKEN.to)
      : readFile(file);
  const program = ts.createProgram([...config.fileNames, copy], config.options, host);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  const lines = (inCopy: boolean) =>
    diagnostics
      .filter(d => (d.file !== undefined && path.resolve(d.file.fileName) === copy) === inCopy)
      .map(
        d => `${d.file ? path.basename(d.file.fileName) : ""}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`,
      );
  return (checked = { examples: lines(false), broken: lines(true) });
}

describe("the TypeScript example, against the pinned openai SDK", () => {
  test("type-checks with zero diagnostics", () => {
    expect(exampleDiagnostics().examples).toEqual([]);
  });

  test("the check catches a client option the SDK does not take", () => {
    expect(exampleDiagnostics().broken.join("\n")).toMatch(/gatewayClient\.ts: .*retries/);
  });
});

interface Captured {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local server that records every request and answers each with `answer`. */
async function recorder(answer: (res: http.ServerResponse) => void) {
  const requests: Captured[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", chunk => (body += chunk));
    req.on("end", () => {
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      answer(res);
    });
  });
  await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { requests, url, close: () => new Promise<void>(resolve => server.close(() => resolve())) };
}

const completion = (res: http.ServerResponse) => {
  res.writeHead(200, { "content-type": "application/json", "x-gateway-region": "East US 2" });
  res.end(JSON.stringify({ id: "c", object: "chat.completion", created: 0, model: "m", choices: [] }));
};

/** Points a stack's client settings at the local server, keeping everything else. */
const local = (c: ClientSettings, url: string): ClientSettings & { deployments: string[] } => ({
  ...c,
  deployments: [...c.deployments],
  endpoint: url,
  baseUrl: `${url}/openai/v1/`,
});

/** A credential that hands out a fixed token and records the scopes it was asked for. */
function fakeCredential(scopes: string[]): TokenCredential {
  return {
    getToken: async (scope: string | string[], _options?: GetTokenOptions): Promise<AccessToken> => {
      scopes.push(...[scope].flat());
      return { token: "entra-token", expiresOnTimestamp: Date.now() + 3600_000 };
    },
  };
}

/**
 * The deployment the gateway's policy reads from a captured request (DEPLOYMENT_EXPRESSION): its path pattern's
 * match, else, for a JSON body, the body's `model` when it is a string.
 */
function routedDeployment(r: Captured): string {
  const pattern = new RegExp(
    /Regex\.Match\(context\.Request\.OriginalUrl\.Path, "([^"]+)"\)/.exec(DEPLOYMENT_EXPRESSION)![1],
  );
  expect(DEPLOYMENT_EXPRESSION).toContain('Headers.GetValueOrDefault("Content-Type", "").Contains("json")');
  const named = pattern.exec(new URL(r.url, "http://x").pathname)?.[1];
  if (named) return named;
  expect(String(r.headers["content-type"])).toContain("json");
  const model = (JSON.parse(r.body) as { model?: unknown }).model;
  return typeof model === "string" ? model : "";
}

describe("the TypeScript example, on the wire", () => {
  const messages = [{ role: "user" as const, content: "hi" }];

  test("Entra ID: a token for the gateway's scope, both URL styles, the output's timeout and retries", async () => {
    const settings = (await outputsOf("prod")).clients["claims-assistant"];
    const server = await recorder(completion);
    const scopes: string[] = [];
    try {
      const s = local(settings, server.url);
      const clients = [deploymentsClient(s, fakeCredential(scopes)), v1Client(s, fakeCredential(scopes))];
      for (const client of clients) {
        // The SDK holds the output's timeout (milliseconds) and retries; the retry test below counts the attempts.
        expect([client.timeout, client.maxRetries]).toEqual([settings.timeoutSeconds * 1000, settings.maxRetries]);
        await client.chat.completions.create({ model: "gpt-5.1", messages });
      }
    } finally {
      await server.close();
    }
    expect(scopes).toEqual([settings.scope, settings.scope]);
    const [deployments, v1] = server.requests;
    expect(deployments.url).toBe(`/openai/deployments/gpt-5.1/chat/completions?api-version=${settings.apiVersion}`);
    expect(v1.url).toBe("/openai/v1/chat/completions");
    for (const r of server.requests) {
      expect(r.headers.authorization).toBe("Bearer entra-token");
      expect(r.headers["api-key"]).toBeUndefined();
      expect(routedDeployment(r)).toBe("gpt-5.1");
    }
  });

  test("subscription key: sent in api-key only, in both URL styles", async () => {
    const settings = (await outputsOf("dev")).clients.playground;
    const server = await recorder(completion);
    process.env.AOAI_GATEWAY_KEY = "subscription-key-1";
    try {
      const s = local(settings, server.url);
      await deploymentsClient(s, fakeCredential([])).chat.completions.create({ model: "gpt-5-mini", messages });
      await v1Client(s, fakeCredential([])).chat.completions.create({ model: "gpt-5-mini", messages });
    } finally {
      delete process.env.AOAI_GATEWAY_KEY;
      await server.close();
    }
    expect(server.requests.map(r => new URL(r.url, "http://x").pathname)).toEqual([
      "/openai/deployments/gpt-5-mini/chat/completions",
      "/openai/v1/chat/completions",
    ]);
    for (const r of server.requests) {
      expect(r.headers["api-key"]).toBe("subscription-key-1");
      expect(r.headers.authorization).toBeUndefined();
      expect(routedDeployment(r)).toBe("gpt-5-mini");
    }
  });

  test("the retry budget: a gateway answering 503 is asked maxRetries + 1 times, then the call fails", async () => {
    const settings = (await outputsOf("prod")).clients["claims-assistant"];
    const server = await recorder(res => {
      // The gateway's 503 after a hung step: retry at once (retry-after-ms, which the SDK reads).
      res.writeHead(503, { "content-type": "application/json", "retry-after-ms": "0" });
      res.end(JSON.stringify({ error: { code: "BackendTimeout", message: "timed out" } }));
    });
    try {
      const client = v1Client(local(settings, server.url), fakeCredential([]));
      await expect(client.chat.completions.create({ model: "gpt-5.1", messages })).rejects.toMatchObject({
        status: 503,
      });
    } finally {
      await server.close();
    }
    expect(server.requests).toHaveLength(settings.maxRetries + 1);
  });
});

describe("the Python examples", () => {
  const python = spawnSync("python3", ["--version"]).status === 0 ? "python3" : undefined;
  const files = fs.readdirSync(path.join(examples, "python")).filter(f => f.endsWith(".py"));

  test("compile (python3 -m py_compile)", () => {
    if (!python) return console.warn("python3 is not installed: the Python examples were not compiled");
    expect(files.length).toBeGreaterThanOrEqual(2);
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-bcdr-pyc-"));
    try {
      const run = spawnSync(python, ["-m", "py_compile", ...files.map(f => path.join(examples, "python", f))], {
        env: { ...process.env, PYTHONPYCACHEPREFIX: cache },
        encoding: "utf8",
      });
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });

  test("read the stack output clients.<application>, and refuse another output", async () => {
    if (!python) return console.warn("python3 is not installed: the Python settings loader was not run");
    const settings = (await outputsOf("prod")).clients["claims-assistant"];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-bcdr-settings-"));
    try {
      const file = path.join(dir, "client-settings.json");
      fs.writeFileSync(file, JSON.stringify(settings));
      const read = execFileSync(python, [path.join(examples, "python", "settings.py"), file], { encoding: "utf8" });
      expect(JSON.parse(read)).toEqual(JSON.parse(JSON.stringify(settings)));
      fs.writeFileSync(file, JSON.stringify((await outputsOf("prod")).gateway));
      const refused = spawnSync(python, [path.join(examples, "python", "settings.py"), file], { encoding: "utf8" });
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(/not a stack output clients.<application> \(missing endpoint, baseUrl/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
