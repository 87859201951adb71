/**
 * The tfjs backend names of the native tier, in a module of their own so that code which only
 * asks "is this native?" (e.g. the losses' products) does not load the tier.
 *
 * @module
 */

/** The tfjs backend name of the native tier on a wasm heap. */
export const NATIVE_BACKEND = "native";
/** The tfjs backend name of the native tier on host memory. */
export const NATIVE_HOST_BACKEND = "native-host";

/** Whether `name` is one of the native tier's backends. */
export function isNativeBackend(name: string): boolean {
  return name === NATIVE_BACKEND || name === NATIVE_HOST_BACKEND;
}
