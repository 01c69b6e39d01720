/**
 * Misspelt namespaces: Pulumi hands a key such as `aoai-bdcr:workloadPtus` to the program under its own
 * namespace, so without this it would be dropped without a word.
 */
import { ConfigIssue, PROJECT } from "./issues";

/** Namespaces of the providers the program configures; any other namespace close to the project's is a typo. */
const KNOWN_NAMESPACES = ["azure-native", "azuread", "random", "pulumi", "azure"];

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** Keys whose namespace looks like a misspelling of the project's: a few edits away, or its letters shuffled. */
export function namespaceIssues(allKeys: readonly string[]): ConfigIssue[] {
  return allKeys.flatMap(key => {
    const [ns, ...rest] = key.split(":");
    if (rest.length === 0 || ns === PROJECT || KNOWN_NAMESPACES.includes(ns)) return [];
    const looksLikeOurs =
      editDistance(ns.toLowerCase(), PROJECT) <= 3 ||
      [...ns.toLowerCase()].sort().join("") === [...PROJECT].sort().join("");
    return looksLikeOurs
      ? [
          {
            key,
            message: `unknown namespace '${ns}'; did you mean ${PROJECT}:${rest.join(":")}? (the program reads only ${PROJECT}:<key>)`,
          },
        ]
      : [];
  });
}
