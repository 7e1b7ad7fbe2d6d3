// The size DynamoDB bills an item by (write units are 1 KB of the larger of the item before and after),
// after the rules of the DynamoDB developer guide ("Item sizes and formats"): every attribute name's UTF-8
// bytes, a string's UTF-8 bytes, a number 1 byte per two significant digits plus 1, a boolean or null 1
// byte, a map or list 3 bytes plus 1 per element plus its contents (a map's keys are names).

/** The billed size of an item, in bytes. */
export function dynamoItemBytes(item: Record<string, unknown>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueBytes(value), 0);
}

function valueBytes(value: unknown): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number') return Math.ceil(significantDigits(value) / 2) + 1;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + valueBytes(v), 0);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return 3 + entries.reduce((sum, [key, v]) => sum + 1 + utf8(key) + valueBytes(v), 0);
  }
  throw new Error(`dynamoItemBytes: cannot size a ${typeof value}`);
}

function significantDigits(value: number): number {
  const digits = Math.abs(value).toString().replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.max(1, digits.length);
}

function utf8(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
