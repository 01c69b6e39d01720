/**
 * The output projection (./projection) with its answers kept across processes. Projecting reads
 * @pulumi/azure-native's declarations with TypeScript's parser: loading the compiler and parsing the
 * declarations costs more than the rest of the pack's evaluation. An answer is a pure function of the phase,
 * the resource type, its properties, the installed @pulumi/azure-native and the projection's own code, so it
 * is kept under node_modules/.cache/aoai-bcdr-projection/, keyed by all of them; the projection itself is
 * loaded only when an answer is missing. Answers are what goes on the wire (JSON), so a kept one is exact.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { version as AZURE_NATIVE_VERSION } from "@pulumi/azure-native/package.json";
import type { OutputProjection } from "./projection";

type Props = Record<string, unknown>;
type Phase = "preview" | "update";

const CACHE_DIR = path.resolve(__dirname, "..", "..", "node_modules", ".cache", "aoai-bcdr-projection");

/** The file of answers for this projection code and this @pulumi/azure-native. */
function cacheFile(dir: string): string {
  const hash = crypto.createHash("sha256").update(AZURE_NATIVE_VERSION);
  for (const source of ["projection.ts", "outputSchema.ts"])
    hash.update("\0").update(fs.readFileSync(path.join(__dirname, source)));
  return path.join(dir, `${hash.digest("hex")}.json`);
}

function readAnswers(file: string): Record<string, Props> {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return {};
  }
}

export class CachedProjection {
  private readonly file: string;
  private readonly answers: Record<string, Props>;
  private readonly added: Record<string, Props> = {};
  private projection?: OutputProjection;

  constructor(private readonly dir = CACHE_DIR) {
    this.file = cacheFile(dir);
    this.answers = readAnswers(this.file);
  }

  /** Whether every answer so far came from the kept ones (the projection was never loaded). */
  get allKept(): boolean {
    return this.projection === undefined;
  }

  preview(type: string, inputs: Props): Props {
    return this.answer("preview", type, inputs);
  }

  afterUpdate(type: string, state: Props): Props {
    return this.answer("update", type, state);
  }

  /** Keeps the answers computed since the last save, merged with what other processes kept meanwhile. */
  save(): void {
    if (Object.keys(this.added).length === 0) return;
    fs.mkdirSync(this.dir, { recursive: true });
    const partial = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, JSON.stringify({ ...readAnswers(this.file), ...this.added }));
    // Rename: processes running side by side never read half a file.
    fs.renameSync(partial, this.file);
    for (const key of Object.keys(this.added)) delete this.added[key];
  }

  private answer(phase: Phase, type: string, props: Props): Props {
    const wire = JSON.stringify(props);
    const key = crypto.createHash("sha256").update(`${phase}\0${type}\0${wire}`).digest("base64url");
    const kept = this.answers[key];
    if (kept) return JSON.parse(JSON.stringify(kept));
    // Loaded on the first miss: it loads the TypeScript compiler.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, see above
    this.projection ??= new (require("./projection") as typeof import("./projection")).OutputProjection();
    const projected = JSON.parse(
      JSON.stringify(
        phase === "preview"
          ? this.projection.preview(type, JSON.parse(wire))
          : this.projection.afterUpdate(type, JSON.parse(wire)),
      ),
    );
    this.answers[key] = this.added[key] = projected;
    return projected;
  }
}
