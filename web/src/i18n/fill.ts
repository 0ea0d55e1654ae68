/** A text with each `{name}` replaced by its value; a name without a value stays as it is (visible in review). */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
