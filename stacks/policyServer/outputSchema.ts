/**
 * The output properties each azure-native resource declares, read from the installed @pulumi/azure-native
 * rather than listed by hand:
 *   - a resource class's declaration (`<module>/<file>.d.ts`, the file its module's index.js lazy-loads for the
 *     class) declares one `readonly <name>: pulumi.Output<T>` member per output property;
 *   - nested object types are the `outputs.<module>.<Type>` interfaces of `types/output.d.ts`.
 * Both are generated from the provider's schema, whose response properties are what azure-native's
 * `PreviewOutputs` walks (pulumi/pulumi-azure-native provider/pkg/convert/previewOutputs.go).
 * Only syntax is read (typescript's parser, no type-check), one output.d.ts namespace at a time.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

export type OutputShape =
  | { readonly kind: "string" | "number" | "boolean"; readonly constant?: string }
  | { readonly kind: "object"; readonly properties: () => Readonly<Record<string, OutputShape>> }
  | { readonly kind: "array"; readonly items: OutputShape }
  | { readonly kind: "map"; readonly values: OutputShape }
  | { readonly kind: "any" };

const ANY: OutputShape = { kind: "any" };
const PACKAGE = path.dirname(require.resolve("@pulumi/azure-native/package.json"));

type Members = ts.NodeArray<ts.TypeElement | ts.ClassElement>;

export class AzureNativeOutputs {
  private readonly namespaces = new Map<string, Map<string, ts.InterfaceDeclaration>>();
  private readonly resources = new Map<string, Readonly<Record<string, OutputShape>> | undefined>();
  private outputDts?: string;

  /** The output properties of a resource type token (`azure-native:<module>:<Class>`), or undefined if it is not azure-native's. */
  resourceOutputs(type: string): Readonly<Record<string, OutputShape>> | undefined {
    if (!this.resources.has(type)) this.resources.set(type, this.readResource(type));
    return this.resources.get(type);
  }

  private readResource(type: string): Readonly<Record<string, OutputShape>> | undefined {
    const [pkg, module, className] = type.split(":");
    if (pkg !== "azure-native" || !module || !className) return undefined;
    const index = path.join(PACKAGE, module, "index.js");
    if (!fs.existsSync(index)) return undefined;
    // utilities.lazyLoad(exports, ["AFDOriginGroup"], () => require("./afdoriginGroup"));
    const load = new RegExp(`lazyLoad\\(exports, \\["${className}"\\], \\(\\) => require\\("\\./([^"]+)"\\)\\)`).exec(
      fs.readFileSync(index, "utf8"),
    );
    if (!load) return undefined;
    const file = path.join(PACKAGE, module, `${load[1]}.d.ts`);
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false);
    const cls = source.statements.find(
      (s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === className,
    );
    if (!cls) return undefined;
    // `readonly x: pulumi.Output<T>` members are the outputs; statics (`__pulumiType`) are not.
    const outputs = cls.members.filter(
      m =>
        ts.isPropertyDeclaration(m) &&
        !m.modifiers?.some(x => x.kind === ts.SyntaxKind.StaticKeyword) &&
        m.type !== undefined &&
        ts.isTypeReferenceNode(m.type) &&
        m.type.typeName.getText(source) === "pulumi.Output",
    );
    return this.members(
      ts.factory.createNodeArray(outputs),
      source,
      t => (t as ts.TypeReferenceNode).typeArguments![0],
    );
  }

  private members(
    members: Members,
    source: ts.SourceFile,
    unwrap: (t: ts.TypeNode) => ts.TypeNode = t => t,
  ): Record<string, OutputShape> {
    const out: Record<string, OutputShape> = {};
    for (const m of members) {
      if (!(ts.isPropertyDeclaration(m) || ts.isPropertySignature(m)) || !m.type) continue;
      out[m.name.getText(source).replace(/^"|"$/g, "")] = this.shape(unwrap(m.type), source);
    }
    return out;
  }

  private shape(node: ts.TypeNode, source: ts.SourceFile): OutputShape {
    if (ts.isParenthesizedTypeNode(node)) return this.shape(node.type, source);
    if (ts.isUnionTypeNode(node)) {
      const types = node.types.filter(
        t =>
          !(
            t.kind === ts.SyntaxKind.UndefinedKeyword ||
            (ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword)
          ),
      );
      if (types.length === 1) return this.shape(types[0], source);
      return types.every(t => ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal)) ? { kind: "string" } : ANY;
    }
    if (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal))
      return { kind: "string", constant: node.literal.text };
    if (ts.isArrayTypeNode(node)) return { kind: "array", items: this.shape(node.elementType, source) };
    if (ts.isTypeLiteralNode(node)) {
      const index = node.members.find(ts.isIndexSignatureDeclaration);
      if (index) return { kind: "map", values: this.shape(index.type, source) };
      const properties = this.members(node.members, source);
      return { kind: "object", properties: () => properties };
    }
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword:
        return { kind: "string" };
      case ts.SyntaxKind.NumberKeyword:
        return { kind: "number" };
      case ts.SyntaxKind.BooleanKeyword:
        return { kind: "boolean" };
    }
    if (ts.isTypeReferenceNode(node)) {
      const name = node.typeName.getText(source);
      // outputs.<module>.<Type>: an object type of types/output.d.ts; enums.* are strings.
      const ref = /^outputs\.(\w+)\.(\w+)$/.exec(name);
      if (ref) return { kind: "object", properties: () => this.outputType(ref[1], ref[2]) };
      if (name.startsWith("enums.")) return { kind: "string" };
    }
    return ANY;
  }

  private outputType(namespace: string, name: string): Record<string, OutputShape> {
    const declaration = this.namespace(namespace).get(name);
    return declaration ? this.members(declaration.members, declaration.getSourceFile()) : {};
  }

  /** One namespace of types/output.d.ts (`export declare namespace <ns> { ... }`, closed by a `}` in column 0). */
  private namespace(namespace: string): Map<string, ts.InterfaceDeclaration> {
    let found = this.namespaces.get(namespace);
    if (found) return found;
    this.outputDts ??= fs.readFileSync(path.join(PACKAGE, "types", "output.d.ts"), "utf8");
    const start = this.outputDts.indexOf(`\nexport declare namespace ${namespace} {\n`);
    const end = start < 0 ? -1 : this.outputDts.indexOf("\n}\n", start + 1);
    const text = start < 0 || end < 0 ? "" : this.outputDts.slice(start, end + 3);
    const source = ts.createSourceFile(`output.d.ts#${namespace}`, text, ts.ScriptTarget.Latest, true);
    found = new Map();
    for (const statement of source.statements) {
      if (!ts.isModuleDeclaration(statement) || !statement.body || !ts.isModuleBlock(statement.body)) continue;
      for (const s of statement.body.statements) if (ts.isInterfaceDeclaration(s)) found.set(s.name.text, s);
    }
    this.namespaces.set(namespace, found);
    return found;
  }
}
