// `--max-rate`: AWS's request rates by family or service, off, or AWS's defaults; and no rates by default for an
// endpoint on this machine.
import { FAMILIES } from '../core/rates.js';
import { UsageError } from './usage-error.js';

/**
 * `--max-rate family=N[,family=N]` (repeatable): requests a second for a family (`ec2:mutating`) or a service
 * (`sns`); `N` may be `off` to lift that limit; `--max-rate off` lifts every limit; `--max-rate aws` applies AWS's
 * default rates (what an endpoint off this machine gets without the flag).
 */
export function maxRate(
  value: string,
  earlier: Record<string, number> | false | undefined,
): Record<string, number> | false {
  if (value.trim() === 'off' || earlier === false) {
    if (earlier !== undefined) {
      throw new UsageError('--max-rate off lifts every limit: give it alone, or give family=N limits only');
    }
    return false;
  }
  const rates: Record<string, number> = Object.create(null);
  if (earlier) Object.assign(rates, earlier);
  // `aws`: AWS's default rates as they are (on a loopback endpoint, where unitag applies none unless told).
  if (value.trim() === 'aws') return rates;
  const named = new Set<string>();
  for (const part of value.split(',')) {
    const [name = '', rate = '', ...extra] = part.split('=').map((s) => s.trim());
    if (named.has(name)) throw new UsageError(`--max-rate "${value}" names ${name} twice`);
    named.add(name);
    // Requests a second in decimal, at least one a hundred seconds (a smaller rate is a typing mistake).
    const n =
      rate === 'off' ? Number.POSITIVE_INFINITY : /^\d+(\.\d+)?$/.test(rate) ? Number(rate) : Number.NaN;
    const known = Object.keys(FAMILIES).some((f) => f === name || f.startsWith(`${name}:`));
    if (!known || extra.length > 0 || Number.isNaN(n) || n < 0.01) {
      throw new UsageError(
        `--max-rate "${part}": write family=N or service=N with N requests a second, 0.01 or more (or off); ` +
          `families: ${Object.keys(FAMILIES).join(', ')}`,
      );
    }
    rates[name] = n;
  }
  return rates;
}

/**
 * No rate limits for an endpoint on this machine (LocalStack, which does not throttle: AWS's limits only slowed a
 * large job down), said once on standard error; undefined (AWS's rates) for any other endpoint.
 */
export function loopbackRates(endpoint: string | undefined): false | undefined {
  let host: string;
  try {
    host = new URL(endpoint ?? '').hostname;
  } catch {
    return undefined;
  }
  if (!/^(localhost|127(\.\d{1,3}){3}|\[::1\])$/.test(host)) return undefined;
  process.stderr.write(
    `unitag: note: ${endpoint} is on this machine: AWS's request rates are not applied (--max-rate aws applies them)\n`,
  );
  return false;
}
