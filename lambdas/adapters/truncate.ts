// Byte-size helpers shared by the adapters: AWS limits (SNS, SQS, EventBridge) count UTF-8 bytes,
// not JavaScript string length, and a cut must never split a character.

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * `text` cut to at most `maxBytes` UTF-8 bytes (marker included), on a code point boundary, with
 * `marker` appended when cut. Returns `text` unchanged when it fits.
 */
export function truncateUtf8(text: string, maxBytes: number, marker = '…[truncated]'): string {
  if (utf8Bytes(text) <= maxBytes) return text;
  const budget = Math.max(0, maxBytes - utf8Bytes(marker));
  const bytes = Buffer.from(text, 'utf8');
  let end = Math.min(budget, bytes.length);
  // Step back over UTF-8 continuation bytes (10xxxxxx) so the cut lands on a character start.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8') + marker;
}
