/**
 * Parts of @pulumi/policy that exist at run time but whose declarations its published typings strip
 * (index.d.ts re-exports them from a proxy.d.ts that is empty).
 */
import * as policySdk from "@pulumi/policy";

export const { unknownCheckingProxy, UnknownValueError } = policySdk as unknown as {
  /** Wraps resource inputs so that reading a value unknown during a preview throws an UnknownValueError. */
  unknownCheckingProxy: <T>(props: T) => T;
  UnknownValueError: abstract new (...args: never[]) => Error;
};
