/**
 * API Management policy documents as an element tree.
 *
 * A document comes in one of two formats: `xml` (the default), where policy expressions are XML-escaped,
 * and `rawxml`, where they are not (`condition="@(context.Variables["x"] == 1)"`), so it is not XML until
 * each expression is escaped the way API Management reads it: from `@(` or `@{` to the bracket that
 * closes it, skipping C# string and character literals.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";

export interface PolicyElement {
  /** The element name; comments are elements named `#comment` whose text is the comment. */
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** The element's own text, without its children's. */
  readonly text: string;
  readonly children: readonly PolicyElement[];
  readonly parent?: PolicyElement;
}

export type ParsedPolicy = { readonly root: PolicyElement } | { readonly error: string };

const OPEN_TO_CLOSE: Readonly<Record<string, string>> = { "(": ")", "{": "}" };
const XML_ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/** The index just past the C# literal that starts at `start` (`"..."`, `@"..."` or `'...'`). */
function skipLiteral(source: string, start: number): number {
  const verbatim = source[start] === "@";
  const quote = source[verbatim ? start + 1 : start];
  for (let i = verbatim ? start + 2 : start + 1; i < source.length; i++) {
    if (!verbatim && source[i] === "\\") i++;
    else if (source[i] === quote && verbatim && source[i + 1] === quote) i++;
    else if (source[i] === quote) return i + 1;
  }
  return source.length;
}

/** The index just past the expression that starts at `start` (`@(` or `@{`), or undefined if it never closes. */
function expressionEnd(source: string, start: number): number | undefined {
  const stack: string[] = [];
  for (let i = start; i < source.length;) {
    const c = source[i];
    if (c === '"' || c === "'" || (c === "@" && source[i + 1] === '"')) {
      i = skipLiteral(source, i);
      continue;
    }
    if (OPEN_TO_CLOSE[c]) stack.push(OPEN_TO_CLOSE[c]);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return i + 1;
    }
    i++;
  }
  return undefined;
}

/** A `rawxml` document as `xml`: every policy expression XML-escaped. */
export function escapeExpressions(raw: string): string {
  let out = "";
  let copied = 0;
  for (let i = raw.indexOf("@"); i !== -1; i = raw.indexOf("@", i + 1)) {
    if (!OPEN_TO_CLOSE[raw[i + 1]]) continue;
    const end = expressionEnd(raw, i + 1);
    if (end === undefined) break;
    out += raw.slice(copied, i) + raw.slice(i, end).replace(/[&<>"]/g, c => XML_ESCAPES[c]);
    copied = end;
    i = end - 1;
  }
  return out + raw.slice(copied);
}

type OrderedNode = { readonly [name: string]: OrderedNode[] | string } & {
  readonly ":@"?: Readonly<Record<string, string>>;
};

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  commentPropName: "#comment",
});

function toElement(name: string, node: OrderedNode, parent: PolicyElement | undefined): PolicyElement {
  const element = { name, attributes: node[":@"] ?? {}, text: "", children: [] as PolicyElement[], parent };
  const texts: string[] = [];
  for (const child of node[name] as OrderedNode[]) {
    const childName = Object.keys(child).find(k => k !== ":@")!;
    if (childName === "#text") texts.push(String(child["#text"]));
    else element.children.push(toElement(childName, child, element));
  }
  element.text = texts.join(" ");
  return element;
}

export function parsePolicyDocument(value: string, format = "xml"): ParsedPolicy {
  const xml = format.toLowerCase() === "rawxml" ? escapeExpressions(value) : value;
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { error: `line ${valid.err.line}: ${valid.err.msg}` };
  const [top] = (parser.parse(xml) as OrderedNode[]).filter(n => !("#comment" in n));
  if (!top) return { error: "the document has no root element" };
  const name = Object.keys(top).find(k => k !== ":@")!;
  return { root: toElement(name, top, undefined) };
}

/** The element and everything below it, in document order. */
export function descendants(element: PolicyElement): PolicyElement[] {
  return [element, ...element.children.flatMap(descendants)];
}

export function ancestors(element: PolicyElement): PolicyElement[] {
  return element.parent ? [element.parent, ...ancestors(element.parent)] : [];
}
