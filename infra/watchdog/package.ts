/**
 * The watchdog's code as `pulumi up` deploys it: runtime/main.ts and its packages (the Azure Functions library,
 * the Private DNS client, the identity library) bundled into one JavaScript file by esbuild, with the two files
 * a Node.js function app needs beside it (host.json, package.json naming `main`). The bundle is built in memory
 * at every run and is byte-for-byte the same for the same sources, so the package (and the blob holding it)
 * changes only when the code or a pinned package does.
 * https://learn.microsoft.com/azure/azure-functions/functions-reference-node#folder-structure
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { buildSync, version as esbuildVersion } from "esbuild";

/**
 * Node.js 22: Flex Consumption runs it (https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#supported-language-stack-versions;
 * `az functionapp list-flexconsumption-runtimes --location <region> --runtime node`), and Node.js 20 reached its
 * end of support on Azure Functions on 2026-04-30 (https://learn.microsoft.com/azure/azure-functions/supported-languages).
 */
export const NODE_VERSION = "22";

const HOST_JSON = {
  version: "2.0",
  // https://learn.microsoft.com/azure/azure-functions/functions-bindings-register#extension-bundles
  extensionBundle: { id: "Microsoft.Azure.Functions.ExtensionBundle", version: "[4.*, 5.0.0)" },
};

const ROOT = path.resolve(__dirname, "..", "..");
const RUNTIME = path.join(__dirname, "runtime");
const CACHE = path.join(ROOT, "node_modules", ".cache", "aoai-bcdr-watchdog");

/** What the bundle is made of: the runtime's sources, the locked package versions, esbuild's version. */
function bundleKey(): string {
  const h = createHash("sha256").update(esbuildVersion);
  for (const f of fs.readdirSync(RUNTIME).sort()) h.update(f).update(fs.readFileSync(path.join(RUNTIME, f)));
  return h
    .update(fs.readFileSync(path.join(ROOT, "package-lock.json")))
    .digest("hex")
    .slice(0, 32);
}

function build(): string {
  const result = buildSync({
    entryPoints: [path.join(RUNTIME, "main.ts")],
    bundle: true,
    platform: "node",
    target: `node${NODE_VERSION}`,
    format: "cjs",
    // The Node.js worker provides it to @azure/functions at run time; it is not an npm package.
    external: ["@azure/functions-core"],
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}

/**
 * The bundled code: one file, no node_modules to ship. Bundling takes a second or two, so the result is kept
 * under node_modules/.cache keyed by everything it is made of; a cached bundle is the same bytes a new build gives.
 */
export function watchdogBundle(): string {
  const cached = path.join(CACHE, `${bundleKey()}.js`);
  if (fs.existsSync(cached)) return fs.readFileSync(cached, "utf8");
  const code = build();
  fs.mkdirSync(CACHE, { recursive: true });
  fs.writeFileSync(`${cached}.${process.pid}`, code);
  fs.renameSync(`${cached}.${process.pid}`, cached);
  return code;
}

export function watchdogPackage(): pulumi.asset.AssetArchive {
  return new pulumi.asset.AssetArchive({
    "index.js": new pulumi.asset.StringAsset(watchdogBundle()),
    "host.json": new pulumi.asset.StringAsset(JSON.stringify(HOST_JSON, null, 2)),
    "package.json": new pulumi.asset.StringAsset(
      JSON.stringify({ name: "aoai-bcdr-watchdog", private: true, main: "index.js" }, null, 2),
    ),
  });
}
