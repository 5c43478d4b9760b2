/**
 * Text that UTF-8 storage cannot keep as it was sent. JSON can carry a lone UTF-16 surrogate (an
 * escaped `\ud800` with no pair) and a JavaScript string holds it, but D1, SQLite, R2 and KV keep
 * UTF-8, which has no encoding for it: SQLite writes U+FFFD in its place, so what a caller reads
 * back is not what it sent, and can be longer than the limit it was checked against. Plaza refuses
 * such input where it is parsed (lib/app.ts for request bodies, lib/realtime for socket frames).
 */
export const LONE_SURROGATE = "must be valid Unicode text (it has an unpaired UTF-16 surrogate)";

type Path = (string | number)[];

/** A place in the value being walked: its parent's node and its key there (root: null). */
interface Node {
  value: unknown;
  parent: Node | null;
  key: string | number;
}

function pathOf(node: Node, key?: string): Path {
  const path: Path = key === undefined ? [] : [key];
  for (let at: Node | null = node; at?.parent; at = at.parent) path.push(at.key);
  return path.reverse();
}

/**
 * Where a parsed JSON value holds text that is not well-formed: the paths of such strings and
 * object keys, depth first, at most `limit` of them. Walks with its own stack and builds a path
 * only for what it finds, so deep nesting costs neither the call stack nor quadratic time.
 */
export function illFormedTextPaths(value: unknown, limit = 10): Path[] {
  const found: Path[] = [];
  const stack: Node[] = [{ value, parent: null, key: "" }];
  while (stack.length > 0 && found.length < limit) {
    const node = stack.pop() as Node;
    const current = node.value;
    if (typeof current === "string") {
      if (!current.isWellFormed()) found.push(pathOf(node));
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], parent: node, key: i });
    } else if (current !== null && typeof current === "object") {
      const entries = Object.entries(current);
      for (const [key] of entries) if (!key.isWellFormed()) found.push(pathOf(node, key));
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, item] = entries[i] as [string, unknown];
        stack.push({ value: item, parent: node, key });
      }
    }
  }
  return found.slice(0, limit);
}
