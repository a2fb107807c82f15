// Exact sums of the API's decimal strings ("1250.00"), for a board's totals while a move
// is optimistic: floats would drift.

function parse(value: string): { units: bigint; scale: number } {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) throw new Error(`not a decimal: ${value}`);
  const [, sign, whole, fraction = ""] = match;
  const units = BigInt(`${whole}${fraction}`);
  return { units: sign ? -units : units, scale: fraction.length };
}

function render(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const text = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${text}` : text;
}

/** a + b (or a - b with `sign` -1), at the larger of their scales. */
export function addDecimal(a: string, b: string, sign: 1 | -1 = 1): string {
  const left = parse(a);
  const right = parse(b);
  const scale = Math.max(left.scale, right.scale);
  const lift = (n: { units: bigint; scale: number }) => n.units * 10n ** BigInt(scale - n.scale);
  return render(lift(left) + BigInt(sign) * lift(right), scale);
}
