// What `pulumi policy publish` uploads. The CLI runs `npm pack` here, and a packed pack holds this folder
// only, while the rules import the region and model catalogs from ../infra. So `prepack` compiles the pack
// and what it imports into bin/ (keeping the repository's layout: bin/policies, bin/infra) and writes an
// index.js that loads it; `postpack` removes both. package.json's extensionless "main" (`index`) finds that
// index.js in a packed pack and index.ts, through ts-node, in this repository.
//
// It removes only what it created: a marker file lists bin/ and index.js when prepack wrote them, and
// without it an existing bin/ or index.js is someone else's — prepack refuses to start, postpack leaves it.
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const MARKER = ".prepack-outputs.json";
const OUTPUTS = ["bin", "index.js"];

/** Removes what an earlier prepack in `dir` created (as its marker lists), then the marker. */
function clean(dir) {
  const marker = path.join(dir, MARKER);
  if (!fs.existsSync(marker)) return;
  const { created } = JSON.parse(fs.readFileSync(marker, "utf8"));
  for (const name of created.filter(n => OUTPUTS.includes(n)))
    fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  fs.rmSync(marker);
}

/** Refuses to start when bin/ or index.js exists and no earlier prepack created it. */
function checkForeign(dir) {
  if (fs.existsSync(path.join(dir, MARKER))) return;
  const foreign = OUTPUTS.filter(n => fs.lstatSync(path.join(dir, n), { throwIfNoEntry: false }));
  if (foreign.length) {
    throw new Error(
      `prepack: ${foreign.map(n => path.join(dir, n)).join(" and ")} exist${foreign.length === 1 ? "s" : ""} and prepack did not create ` +
        `${foreign.length === 1 ? "it" : "them"}; move ${foreign.length === 1 ? "it" : "them"} away and pack again (nothing was changed)`,
    );
  }
}

/** Compiles the pack into `dir`/bin and writes index.js, the marker first so a run cut short can be cleaned. */
function prepare(dir) {
  checkForeign(dir);
  clean(dir);
  fs.writeFileSync(path.join(dir, MARKER), JSON.stringify({ created: OUTPUTS }) + "\n");
  execFileSync(
    process.execPath,
    [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.json", "--outDir", "bin", "--rootDir", ".."],
    { cwd: dir, stdio: "inherit" },
  );
  fs.writeFileSync(path.join(dir, "index.js"), 'module.exports = require("./bin/policies/index.js");\n');
}

module.exports = { MARKER, checkForeign, clean };

if (require.main === module) {
  try {
    if (process.argv[2] === "--clean") clean(__dirname);
    else prepare(__dirname);
  } catch (e) {
    console.error(e.message);
    process.exitCode = 1;
  }
}
