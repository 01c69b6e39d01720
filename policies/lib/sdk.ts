/**
 * Parts of @pulumi/policy that exist at run time but whose declarations its published typings strip
 * (index.d.ts re-exports them from a proxy.d.ts that is empty).
 */
import * as policySdk from "@pulumi/policy";

export const { UnknownValueError } = policySdk as unknown as {
  /**
   * What reading a value unknown during a preview throws; the server reports a policy that throws it as
   * advisory "can't run ... during preview: <message>" (@pulumi/policy server.ts, makeAnalyzeStackRpcFun).
   */
  UnknownValueError: new (unknownTypeSentinel: string, path: string[]) => Error;
};

/** The wire's unknown string (pulumi/pulumi sdk/nodejs/runtime/rpc.ts `unknownValue`), also @pulumi/policy's `unknownStringValue`. */
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Thrown by a stack rule whose verdict depends on values the preview does not know yet. */
export class CannotDecideDuringPreview extends UnknownValueError {
  constructor(reasons: readonly string[]) {
    super(UNKNOWN_STRING, []);
    this.message = `cannot decide until the update: ${reasons.join("; ")}`;
  }
}
