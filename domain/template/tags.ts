import { isIntrinsic, NO_VALUE, resolveString, type RawResource, type ResolveContext } from './intrinsics';

/**
 * The `Tags` a template gives a resource: CloudFormation's `[{Key, Value}]` list or SAM's map.
 * Values known only at deploy time are placeholders, which never parse as a valid exemption.
 */
export function tagsOf(resource: RawResource, ctx: ResolveContext): Readonly<Record<string, string>> {
  const raw = resource.properties.Tags;
  const entries: [unknown, unknown][] = Array.isArray(raw)
    ? raw.flatMap((t: unknown) => (typeof t === 'object' && t !== null && !isIntrinsic(t) ? [[(t as Record<string, unknown>).Key, (t as Record<string, unknown>).Value] as [unknown, unknown]] : []))
    : typeof raw === 'object' && raw !== null && !isIntrinsic(raw)
      ? Object.entries(raw)
      : [];
  const tags: Record<string, string> = {};
  for (const [key, value] of entries) {
    const k = resolveString(key, ctx);
    const v = resolveString(value, ctx);
    if (k !== NO_VALUE && v !== NO_VALUE) Object.defineProperty(tags, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return tags;
}
