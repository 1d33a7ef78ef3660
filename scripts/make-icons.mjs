#!/usr/bin/env node
// Draws the toolbar/store icons (a speech bubble with a return arrow on Daakey teal) into
// public/icon/<size>.png. Run once after changing the design; the PNGs are committed.
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';

const SIZES = [16, 32, 48, 96, 128];
const TEAL = [0, 121, 107];
const WHITE = [255, 255, 255];

function crc32(buf) {
  let c;
  const table = [];
  for (let n = 0; n < 256; n++) {
    c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  let crc = 0xffffffff;
  for (const b of buf) crc = table[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

// Coverage of a pixel by the shape, supersampled 4×4 for smooth edges.
function shape(x, y) {
  const inRounded = (px, py, x0, y0, x1, y1, r) => {
    const cx = Math.min(Math.max(px, x0 + r), x1 - r);
    const cy = Math.min(Math.max(py, y0 + r), y1 - r);
    return (px - cx) ** 2 + (py - cy) ** 2 <= r * r && px >= x0 && px <= x1 && py >= y0 && py <= y1;
  };
  if (!inRounded(x, y, 0, 0, 1, 1, 0.22)) return null;
  const bubble =
    inRounded(x, y, 0.18, 0.2, 0.82, 0.68, 0.12) || (x > 0.28 && x < 0.42 && y >= 0.66 && y < 0.84 && x - 0.28 < (0.84 - y) * 0.8);
  if (!bubble) return TEAL;
  // A return arrow inside the bubble.
  const stroke = 0.055;
  const arrow =
    (Math.abs(y - 0.52) < stroke / 1.2 && x > 0.32 && x < 0.66) ||
    (Math.abs(x - 0.66) < stroke / 1.2 && y > 0.32 && y < 0.55) ||
    (Math.abs(y - 0.52 - (x - 0.32)) < stroke && x > 0.32 && x < 0.44 && y > 0.52) ||
    (Math.abs(y - 0.52 + (x - 0.32)) < stroke && x > 0.32 && x < 0.44 && y < 0.52);
  return arrow ? TEAL : WHITE;
}

function png(size) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  const S = 4;
  for (let py = 0; py < size; py++) {
    raw[py * (size * 4 + 1)] = 0;
    for (let px = 0; px < size; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < S; sy++)
        for (let sx = 0; sx < S; sx++) {
          const c = shape((px + (sx + 0.5) / S) / size, (py + (sy + 0.5) / S) / size);
          if (c) {
            r += c[0];
            g += c[1];
            b += c[2];
            a++;
          }
        }
      const o = py * (size * 4 + 1) + 1 + px * 4;
      raw[o] = a ? Math.round(r / a) : 0;
      raw[o + 1] = a ? Math.round(g / a) : 0;
      raw[o + 2] = a ? Math.round(b / a) : 0;
      raw[o + 3] = Math.round((a / (S * S)) * 255);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync('public/icon', { recursive: true });
for (const size of SIZES) writeFileSync(`public/icon/${size}.png`, png(size));
console.log(`icons: ${SIZES.join(', ')}`);
