// What `pulumi policy publish` uploads. The CLI runs `npm pack` here, and a packed pack holds this folder
// only, while the rules import the region and model catalogs from ../infra. So `prepack` compiles the pack
// and what it imports into bin/ (keeping the repository's layout: bin/policies, bin/infra) and writes an
// index.js that loads it; `postpack` removes both. package.json's extensionless "main" (`index`) finds that
// index.js in a packed pack and index.ts, through ts-node, in this repository.
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const clean = () => {
  fs.rmSync(path.join(__dirname, "bin"), { recursive: true, force: true });
  fs.rmSync(path.join(__dirname, "index.js"), { force: true });
};

clean();
if (process.argv[2] !== "--clean") {
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.json", "--outDir", "bin", "--rootDir", ".."], { cwd: __dirname, stdio: "inherit" });
  fs.writeFileSync(path.join(__dirname, "index.js"), 'module.exports = require("./bin/policies/index.js");\n');
}
