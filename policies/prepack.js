// What `pulumi policy publish` uploads. The CLI runs `npm pack` here, and a packed pack holds this folder
// only, while the rules import the region, model, tag and type catalogs from ../catalog. So `prepack`
// compiles the pack and the catalog into bin/ (keeping the repository's layout: bin/policies, bin/catalog)
// and writes an index.js that loads it; `postpack` removes both. package.json's extensionless "main"
// (`index`) finds that index.js in a packed pack and index.ts, through ts-node, in this repository.
//
// The pack never bundles the program: before writing anything, prepack lists the files the pack's
// compilation holds (tsc --listFilesOnly) and refuses when one lies outside policies/ and catalog/
// (catalog/ imports nothing outside itself).
//
// It removes only what it created: a marker file lists bin/ and index.js when prepack wrote them, and
// without it an existing bin/ or index.js is someone else's — prepack refuses to start, postpack leaves it.
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const MARKER = ".prepack-outputs.json";
const OUTPUTS = ["bin", "index.js"];
/** The repository folders a packed pack may hold: the pack itself and the dependency-free catalog. */
const SOURCE_FOLDERS = ["policies", "catalog"];
const TSC = require.resolve("typescript/bin/tsc");

/** The repository folders (relative to `dir`/..) holding the files of the pack's compilation, packages aside. */
function sourceFolders(dir) {
  const listed = execFileSync(process.execPath, [TSC, "-p", "tsconfig.json", "--listFilesOnly"], {
    cwd: dir,
    encoding: "utf8",
  });
  const root = path.resolve(dir, "..");
  const folders = listed
    .split(/\r?\n/)
    .filter(Boolean)
    .map(f => path.relative(root, path.resolve(dir, f)).split(path.sep))
    .filter(parts => !parts.includes("node_modules"))
    .map(parts => parts[0]);
  return [...new Set(folders)].sort();
}

/** Refuses to pack when the pack's compilation reaches beyond policies/ and catalog/ (the program, the tools). */
function checkSources(dir) {
  const outside = sourceFolders(dir).filter(f => !SOURCE_FOLDERS.includes(f));
  if (outside.length) {
    throw new Error(
      `prepack: the pack imports files from ${outside.map(f => `${f}/`).join(", ")}; a packed pack holds only ` +
        `${SOURCE_FOLDERS.map(f => `${f}/`).join(" and ")} (nothing was changed)`,
    );
  }
}

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
  checkSources(dir);
  clean(dir);
  fs.writeFileSync(path.join(dir, MARKER), JSON.stringify({ created: OUTPUTS }) + "\n");
  execFileSync(process.execPath, [TSC, "-p", "tsconfig.json", "--outDir", "bin", "--rootDir", ".."], {
    cwd: dir,
    stdio: "inherit",
  });
  fs.writeFileSync(path.join(dir, "index.js"), 'module.exports = require("./bin/policies/index.js");\n');
}

module.exports = { MARKER, checkForeign, checkSources, clean, sourceFolders };

if (require.main === module) {
  try {
    if (process.argv[2] === "--clean") clean(__dirname);
    else prepare(__dirname);
  } catch (e) {
    console.error(e.message);
    process.exitCode = 1;
  }
}
