// OpenRouter routing preferences: only what the user set is sent.
import type { Routing } from '../../ipc';

/** The routing without empty fields; undefined when nothing is set. */
export function compactRouting(r: Routing): Routing | undefined {
  const out: Routing = {};
  if (r.order && r.order.length > 0) out.order = r.order;
  if (r.allow_fallbacks !== undefined) out.allow_fallbacks = r.allow_fallbacks;
  if (r.require_parameters !== undefined) out.require_parameters = r.require_parameters;
  if (r.data_collection !== undefined) out.data_collection = r.data_collection;
  if (r.zdr !== undefined) out.zdr = r.zdr;
  if (r.quantizations && r.quantizations.length > 0) out.quantizations = r.quantizations;
  if (r.sort !== undefined) out.sort = r.sort;
  return Object.keys(out).length > 0 ? out : undefined;
}
