/**
 * The Status errors patch application raises, with the code each gets upstream (spec
 * patch-and-apply §1, §2.5). Kept apart so the three patch types share one mapping.
 */
import { StatusError, badRequest } from '../errors.js';

/**
 * A JSON Patch that fails while applying (failed `test`, missing path, bad index, unknown op),
 * or a strategic merge on a list of lists: upstream's generic 422, whose message is fixed and
 * carries no causes. The detailed reason rides on `cause` for the server log only.
 */
export function patchRejected(detail: string): StatusError {
  const err = new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
  err.cause = new Error(detail);
  return err;
}

/**
 * A strategic merge failure. Upstream answers some with 400 (malformed directives) and leaves the
 * rest unconverted (500, empty reason, message = error text); we answer 400 with the same text
 * for both, as the spec decides.
 */
export const strategicMergeError = (message: string): StatusError => badRequest(message);

/** Go's decoder message for a body of the wrong JSON kind (`cannot unmarshal array into ...`). */
export function cannotUnmarshal(kind: string, goType: string): StatusError {
  return badRequest(`json: cannot unmarshal ${kind} into Go value of type ${goType}`);
}
