import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { endpoint } from '../helpers.js';

/** The local addresses listening on `port`, from the kernel's socket tables (IPv4 and IPv6). */
function listeners(port: number): string[] {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      // State 0A is LISTEN.
      if (state === '0A' && local?.endsWith(`:${hex}`)) found.push(local.slice(0, local.indexOf(':')));
    }
  }
  return found;
}

describe('the embedded LocalStack', () => {
  it('listens on the loopback interface only', () => {
    const port = Number(new URL(endpoint()).port || 80);
    const addresses = listeners(port);
    expect(addresses.length).toBeGreaterThan(0);
    // 0100007F is 127.0.0.1; the IPv6 loopback is ::1. 00000000 (or all zeros in IPv6) would be every interface.
    for (const address of addresses) {
      expect(['0100007F', '00000000000000000000000001000000']).toContain(address);
    }
  });
});
