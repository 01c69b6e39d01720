/**
 * An output directory a command owns. The command writes a manifest of its files first; on the next run it
 * removes exactly those files, never anything else, and it refuses a non-empty directory that holds no
 * manifest of its own: `--out "$PWD"` must not cost anyone a checkout. Symbolic links are refused on every
 * path it deletes or writes (the directory, its subfolders, its files): following one would reach files
 * the command never wrote. A directory may hold other writers' directories (the drill's charts inside a
 * plan's directory): each writer's manifest lists only its own files.
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

/** The first symbolic link from `dir` itself down to `full`, if any. */
function symlinkOnPath(dir: string, full: string): string | undefined {
  let at = path.resolve(dir);
  const steps = [
    at,
    ...path
      .relative(at, full)
      .split(path.sep)
      .filter(Boolean)
      .map(part => (at = path.join(at, part))),
  ];
  return steps.find(p => fs.lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink());
}

/** Refuses `dir` when it, or any folder or file on the way to one of `rels`, is a symbolic link. */
function refuseSymlinks(dir: string, rels: readonly string[]): void {
  for (const rel of [".", ...rels]) {
    const link = symlinkOnPath(dir, inside(dir, rel) ?? dir);
    if (link)
      throw new UsageError(
        `${link}: is a symbolic link; the output directory and what is in it must be plain folders and files; nothing was changed`,
      );
  }
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
export function checkOutDir(dir: string, writer: string, label = `--out ${dir}`): void {
  refuseSymlinks(dir, []);
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!stat) return;
  if (!stat.isDirectory()) throw new UsageError(`${label}: is a file, not a directory`);
  const entries = fs.readdirSync(dir);
  if (entries.length > 0 && !readManifest(dir, writer)) {
    throw new UsageError(
      `${label}: the directory holds files ${writer} did not write (${entries.slice(0, 3).join(", ")}${entries.length > 3 ? ", ..." : ""}); ` +
        "give a new or empty directory; nothing was changed",
    );
  }
}

/** Replaces the previous run's files with `files`; returns the paths written. */
export function writeOutDir(dir: string, writer: string, files: readonly OutputFile[], label?: string): string[] {
  checkOutDir(dir, writer, label);
  const previous = readManifest(dir, writer);
  refuseSymlinks(dir, [MANIFEST, ...(previous?.files ?? []), ...files.map(f => f.path)]);
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

/** The top-level key that marks a JSON report as `writer`'s: the only existing file a later run may replace. */
export const GENERATED_BY = "generatedBy";

/** Checks, before any work, that `file` is new or a JSON file `writer` wrote (not a symbolic link). */
export function checkOwnedJson(flag: string, file: string, writer: string): void {
  const stat = fs.lstatSync(file, { throwIfNoEntry: false });
  if (!stat) return;
  if (stat.isSymbolicLink())
    throw new UsageError(`${flag} ${file}: is a symbolic link; give a plain file name; nothing was changed`);
  let owner: unknown;
  try {
    owner = (JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>)?.[GENERATED_BY];
  } catch {
    // Not JSON, or not readable: not ours.
  }
  if (owner !== writer)
    throw new UsageError(
      `${flag} ${file}: the file exists and ${writer} did not write it; give a new file name; nothing was changed`,
    );
}

/** Writes `data` as JSON, marked as `writer`'s, to a file `checkOwnedJson` accepts. */
export function writeOwnedJson(flag: string, file: string, writer: string, data: object): void {
  checkOwnedJson(flag, file, writer);
  fs.writeFileSync(file, JSON.stringify({ [GENERATED_BY]: writer, ...data }, null, 2) + "\n");
}
