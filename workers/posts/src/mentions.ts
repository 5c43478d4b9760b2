/** The @handles a text mentions, each once, in order (at most 50). */
export function mentionsIn(text: string): string[] {
  const handles = new Set<string>();
  for (const match of text.matchAll(/(?:^|[^a-z0-9_@])@([a-z0-9_]{3,30})(?![a-z0-9_])/gi)) {
    const handle = match[1]?.toLowerCase();
    if (handle) handles.add(handle);
    if (handles.size === 50) break;
  }
  return [...handles];
}
