/** How many ids each namespace keeps (about 50 bytes of name and id apiece). */
export const MAX_REMEMBERED_IDS = 10_000;

const idsByNamespace = new WeakMap<DurableObjectNamespace, Map<string, DurableObjectId>>();

/**
 * The id of the object named `name`, made once per isolate: `idFromName` hashes the name, and the
 * objects a service calls most are named by user (a fan-out asks for some 40 of them per post; it
 * was 4% of the notifications isolate's CPU in bench/social's mix). An id is a plain value, not tied
 * to the request that made it, so any request may use it to get a stub of its own. Bounded: past
 * MAX_REMEMBERED_IDS the oldest is forgotten.
 */
export function idOf<T extends Rpc.DurableObjectBranded | undefined>(
  namespace: DurableObjectNamespace<T>,
  name: string,
): DurableObjectId {
  const key = namespace as unknown as DurableObjectNamespace;
  let ids = idsByNamespace.get(key);
  if (!ids) {
    ids = new Map();
    idsByNamespace.set(key, ids);
  }
  let id = ids.get(name);
  if (!id) {
    id = namespace.idFromName(name);
    if (ids.size >= MAX_REMEMBERED_IDS) {
      const oldest = ids.keys().next();
      if (!oldest.done) ids.delete(oldest.value);
    }
    ids.set(name, id);
  }
  return id;
}
