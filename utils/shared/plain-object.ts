/** The one check for "a JSON object" (not null, not an array) used wherever untrusted data is read field by field. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
