/**
 * An output directory a command owns. The command writes a manifest of its files first; on the next run it
 * removes exactly those files, never anything else, and it refuses a non-empty directory that holds no
 * manifest of its own: `--out "$PWD"` must not cost anyone a checkout.
 */
import * as fs from "fs";
import * as path from "path";
import { UsageError } from "./errors";

export const MANIFEST = ".aoai-bcdr-outputs.json";

interface Manifest {
  readonly writer: string;
  /** Paths relative to the directory, `/`-separated. */
  readonly files: readonly string[];
}

export interface OutputFile {
  /** Relative to the directory, `/`-separated. */
  readonly path: string;
  readonly text: string;
}

function readManifest(dir: string, writer: string): Manifest | undefined {
  const file = path.join(dir, MANIFEST);
  if (!fs.existsSync(file)) return undefined;
  try {
    const m = JSON.parse(fs.readFileSync(file, "utf8")) as Manifest;
    if (m.writer === writer && Array.isArray(m.files) && m.files.every(f => typeof f === "string")) return m;
  } catch {
    // Not ours after all: refused below like any foreign file.
  }
  return undefined;
}

/** `rel` resolved inside `dir`, or undefined when it would step outside it. */
function inside(dir: string, rel: string): string | undefined {
  const full = path.resolve(dir, rel);
  return full.startsWith(path.resolve(dir) + path.sep) ? full : undefined;
}

/** Removes the files an earlier run listed (regular files only), then the folders that became empty. */
function removePrevious(dir: string, manifest: Manifest): void {
  const folders = new Set<string>();
  for (const rel of manifest.files) {
    const full = inside(dir, rel);
    if (!full || !fs.lstatSync(full, { throwIfNoEntry: false })?.isFile()) continue;
    fs.unlinkSync(full);
    for (let d = path.dirname(full); d !== path.resolve(dir); d = path.dirname(d)) folders.add(d);
  }
  for (const d of [...folders].sort((a, b) => b.length - a.length)) {
    if (fs.readdirSync(d).length === 0) fs.rmdirSync(d);
  }
}

/** Checks the directory can be (re)written, before any work: absent, empty, or holding this writer's manifest. */
export function checkOutDir(dir: string, writer: string): void {
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!stat) return;
  if (!stat.isDirectory()) throw new UsageError(`--out ${dir}: is a file, not a directory`);
  const entries = fs.readdirSync(dir);
  if (entries.length > 0 && !readManifest(dir, writer)) {
    throw new UsageError(`--out ${dir}: the directory holds files ${writer} did not write (${entries.slice(0, 3).join(", ")}${entries.length > 3 ? ", ..." : ""}); ` +
      "give a new or empty directory; nothing was changed");
  }
}

/** Replaces the previous run's files with `files`; returns the paths written. */
export function writeOutDir(dir: string, writer: string, files: readonly OutputFile[]): string[] {
  checkOutDir(dir, writer);
  const previous = readManifest(dir, writer);
  if (previous) removePrevious(dir, previous);
  fs.mkdirSync(dir, { recursive: true });
  // The manifest goes first, so a run cut short still leaves a directory the next run may clean.
  const manifest: Manifest = { writer, files: files.map(f => f.path) };
  fs.writeFileSync(path.join(dir, MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
  return files.map(f => {
    const full = inside(dir, f.path);
    if (!full) throw new Error(`output path ${f.path} lies outside ${dir}`);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, f.text);
    return path.join(dir, f.path);
  });
}
