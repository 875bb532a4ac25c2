/** What changed between two versions of an entry, for the history (pure). */
import { canonicalJson as canonical, type catalogV1 } from '@yrd/proto/messages';

// canonical JSON: a document read back from jsonb has its keys in another order

type Resource = catalogV1.Resource;

/** Fields that are bookkeeping, not content: they change on every save. */
const bookkeeping = new Set<keyof Resource>(['version', 'status', 'updatedAt', 'publishDate']);

export function changedFields(before: Resource, after: Resource): string[] {
  const out: string[] = [];
  for (const key of Object.keys(after) as (keyof Resource)[]) {
    if (bookkeeping.has(key) || key === 'items') continue;
    if (canonical(before[key]) !== canonical(after[key])) out.push(key);
  }
  const items = (r: Resource) => new Map(r.items.map((i) => [i.name, canonical(i)]));
  const a = items(before);
  const b = items(after);
  for (const [name, v] of b) {
    if (!a.has(name)) out.push(`items.${name} (added)`);
    else if (a.get(name) !== v) out.push(`items.${name}`);
  }
  for (const name of a.keys()) if (!b.has(name)) out.push(`items.${name} (removed)`);
  return out;
}
