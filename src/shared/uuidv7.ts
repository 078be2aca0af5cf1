// UUIDv7 (RFC 9562): a millisecond timestamp then random bits, so ids sort by creation time.
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

let lastMs = 0;
let lastSeq = 0;

/** Fills a buffer with random bytes; Web Crypto's by default. */
export type RandomFill = (bytes: Uint8Array) => void;

const webCryptoFill: RandomFill = (bytes) => {
  globalThis.crypto.getRandomValues(bytes);
};

export function uuidv7(now: number = Date.now(), fill: RandomFill = webCryptoFill): string {
  const bytes = new Uint8Array(16);
  fill(bytes);
  // Within one millisecond, a 12-bit counter in rand_a keeps ids from one process monotonic.
  if (now <= lastMs) {
    now = lastMs;
    lastSeq = (lastSeq + 1) & 0xfff;
    if (lastSeq === 0) now = ++lastMs;
  } else {
    lastMs = now;
    lastSeq = ((bytes[6] ?? 0) << 4) & 0x7ff;
  }
  let ms = now;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | ((lastSeq >> 8) & 0x0f);
  bytes[7] = lastSeq & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  let out = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out += '-';
    out += HEX[bytes[i] ?? 0];
  }
  return out;
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
