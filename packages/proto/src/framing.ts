import { BinaryWriter } from '@bufbuild/protobuf/wire';

/**
 * The encoding of a message whose only field is `repeated <message> = field`, from the items'
 * encodings as they are: what `encode({ field: items })` would give, without decoding and encoding
 * each item again. A publisher that hashed each item's bytes can send them in one message.
 */
export function repeatedOf(field: number, items: readonly Uint8Array[]): Uint8Array {
  const w = new BinaryWriter();
  // wire type 2: length-delimited
  for (const item of items) w.uint32((field << 3) | 2).bytes(item);
  return w.finish();
}
