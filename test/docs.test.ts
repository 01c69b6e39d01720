/**
 * The documentation's relative links: every one in README.md and docs/*.md points at a file of the
 * repository, and a `#fragment` into a Markdown page names one of its headings (GitHub's anchor rules).
 */
import * as fs from "fs";
import * as path from "path";

const root = path.resolve(__dirname, "..");
const docs = path.join(root, "docs");
const pages = [
  "README.md",
  ...fs
    .readdirSync(docs)
    .filter(f => f.endsWith(".md"))
    .map(f => path.join("docs", f)),
];

/** Inline links and images, outside fenced code blocks: `[text](target)`. */
function links(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, "");
  return [...prose.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map(m => m[1]);
}

/** GitHub's heading anchors: lowercase, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, "");
  return new Set(
    [...prose.matchAll(/^#{1,6}\s+(.+)$/gm)].map(m => {
      const slug = m[1]
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/\s/g, "-");
      const n = seen.get(slug) ?? 0;
      seen.set(slug, n + 1);
      return n === 0 ? slug : `${slug}-${n}`;
    }),
  );
}

const relativeLinks = pages.map(page => ({
  page,
  links: links(fs.readFileSync(path.join(root, page), "utf8")).filter(l => !/^[a-z][a-z0-9+.-]*:/i.test(l)),
}));

test("the pages link to each other, by file and by heading", () => {
  const all = relativeLinks.flatMap(p => p.links);
  expect(all.filter(l => !l.includes("#")).length).toBeGreaterThan(0);
  expect(all.filter(l => /\.md#/.test(l)).length).toBeGreaterThan(0);
});

test.each(relativeLinks)(
  "$page: every relative link points at an existing file, every anchor at a heading",
  ({ page, links }) => {
    const broken = links.filter(link => {
      const [file, fragment] = link.split("#");
      const target = file ? path.resolve(root, path.dirname(page), decodeURI(file)) : path.join(root, page);
      if (!fs.existsSync(target)) return true;
      return (
        fragment !== undefined && target.endsWith(".md") && !anchors(fs.readFileSync(target, "utf8")).has(fragment)
      );
    });
    expect(broken).toEqual([]);
  },
);
