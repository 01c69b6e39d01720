/**
 * What the engine sends a stack policy as a resource's outputs, in each phase:
 *   - preview: azure-native's `PreviewOutputs` (pulumi/pulumi-azure-native provider/pkg/convert/previewOutputs.go):
 *     every declared output property takes the input of the same name, projected onto the output type
 *     recursively (objects by their declared properties, arrays item by item, maps value by value, untyped
 *     values as given, string constants as declared); an output no input gives, or whose input does not
 *     fit its type, is unknown. The names that form the resource's URL (`accountName`, `serviceName`, ...)
 *     are inputs only, so they are gone.
 *   - after `pulumi up`: the state the provider returned (here the mock engine's answer), restricted to the
 *     declared output properties the way azure-native reads an ARM response back.
 * Resources of other providers keep their inputs (preview) or state (update) as they are.
 */
import { AzureNativeOutputs, OutputShape } from "./outputSchema";

/** The wire's "unknown during preview" value (pulumi/pulumi sdk/nodejs/runtime/rpc.ts `unknownValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type Props = Record<string, unknown>;
const isObject = (v: unknown): v is Props => typeof v === "object" && v !== null && !Array.isArray(v);

function previewValue(input: unknown, shape: OutputShape): unknown {
  switch (shape.kind) {
    case "string":
      return shape.constant ?? (typeof input === "string" ? input : UNKNOWN);
    case "number":
      return typeof input === "number" ? input : UNKNOWN;
    case "boolean":
      return typeof input === "boolean" ? input : UNKNOWN;
    case "array":
      return Array.isArray(input) ? input.map(i => previewValue(i, shape.items)) : UNKNOWN;
    case "object":
      return isObject(input) ? previewObject(input, shape.properties()) : UNKNOWN;
    case "map":
      return isObject(input)
        ? Object.fromEntries(Object.entries(input).map(([k, v]) => [k, previewValue(v, shape.values)]))
        : UNKNOWN;
    case "any":
      return input;
  }
}

function previewObject(inputs: Props, properties: Readonly<Record<string, OutputShape>>): Props {
  return Object.fromEntries(
    Object.entries(properties).map(([name, shape]) => [
      name,
      name in inputs ? previewValue(inputs[name], shape) : UNKNOWN,
    ]),
  );
}

function declaredValue(state: unknown, shape: OutputShape): unknown {
  switch (shape.kind) {
    case "array":
      return Array.isArray(state) ? state.map(i => declaredValue(i, shape.items)) : state;
    case "object":
      return isObject(state) ? declaredObject(state, shape.properties()) : state;
    case "map":
      return isObject(state)
        ? Object.fromEntries(Object.entries(state).map(([k, v]) => [k, declaredValue(v, shape.values)]))
        : state;
    default:
      return state;
  }
}

function declaredObject(state: Props, properties: Readonly<Record<string, OutputShape>>): Props {
  return Object.fromEntries(
    Object.entries(state)
      .filter(([name]) => name in properties)
      .map(([name, v]) => [name, declaredValue(v, properties[name])]),
  );
}

export class OutputProjection {
  constructor(private readonly schema = new AzureNativeOutputs()) {}

  preview(type: string, inputs: Props): Props {
    const outputs = this.schema.resourceOutputs(type);
    return outputs ? previewObject(inputs, outputs) : inputs;
  }

  afterUpdate(type: string, state: Props): Props {
    const outputs = this.schema.resourceOutputs(type);
    return outputs ? declaredObject(state, outputs) : state;
  }
}
