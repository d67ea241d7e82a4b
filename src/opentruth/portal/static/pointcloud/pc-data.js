/*
 * Point cloud data for the worker UI: frame files, camera projection, cuboid geometry and the
 * answer's zlib point labels. No DOM and no three.js here (see docs/point-clouds.md).
 */

/** Parse a frame file (binary/<e> little-endian float32 packs, or text/<e> lines). */
export function parseFrame(buffer, format) {
  var parts = String(format || "binary/xyzi").split("/");
  var kind = parts[0], elements = parts[1] || "xyzi";
  var width = elements.length;
  var values;
  if (kind === "binary") {
    if (buffer.byteLength % (4 * width)) throw new Error("frame size is not a whole number of " + format + " points");
    values = littleEndianFloats(buffer);
  } else {
    values = parseText(new TextDecoder().decode(buffer), width);
  }
  var count = Math.floor(values.length / width);
  var positions = new Float32Array(count * 3);
  var colors = new Uint8Array(count * 3); // normalised bytes: a quarter of float32's bandwidth
  var hasI = elements.indexOf("i") >= 0, rgbAt = elements.indexOf("rgb");
  var zmin = Infinity, zmax = -Infinity;
  for (var p = 0; p < count; p++) {
    var z = values[p * width + 2];
    if (z < zmin) zmin = z;
    if (z > zmax) zmax = z;
  }
  var zspan = zmax > zmin ? zmax - zmin : 1;
  for (var i = 0; i < count; i++) {
    var o = i * width;
    positions[i * 3] = values[o];
    positions[i * 3 + 1] = values[o + 1];
    positions[i * 3 + 2] = values[o + 2];
    var r, g, b;
    if (rgbAt >= 0) {
      r = values[o + rgbAt] / 255; g = values[o + rgbAt + 1] / 255; b = values[o + rgbAt + 2] / 255;
    } else if (hasI) {
      var t = Math.min(1, Math.max(0, values[o + 3] > 1 ? values[o + 3] / 255 : values[o + 3]));
      r = 0.35 + 0.65 * t; g = 0.45 + 0.55 * t; b = 0.55 + 0.3 * t;
    } else {
      var h = (values[o + 2] - zmin) / zspan; // height ramp: blue (low) to yellow (high)
      r = 0.3 + 0.7 * h; g = 0.5 + 0.4 * h; b = 0.9 - 0.6 * h;
    }
    colors[i * 3] = r * 255; colors[i * 3 + 1] = g * 255; colors[i * 3 + 2] = b * 255;
  }
  return { count: count, positions: positions, colors: colors, zmin: count ? zmin : 0 };
}

function littleEndianFloats(buffer) {
  var little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (little) return new Float32Array(buffer.slice(0));
  var view = new DataView(buffer), out = new Float32Array(buffer.byteLength / 4);
  for (var i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

function parseText(text, width) {
  var out = [];
  var lines = text.split(/\r?\n/);
  for (var n = 0; n < lines.length; n++) {
    var line = lines[n].trim();
    if (!line) continue;
    var fields = line.split(/\s+/);
    if (fields.length !== width) throw new Error("line " + (n + 1) + " has " + fields.length + " values");
    for (var k = 0; k < width; k++) out.push(parseFloat(fields[k]));
  }
  return Float32Array.from(out);
}

/** Rotation matrix (row-major 3×3) of a unit quaternion {qx, qy, qz, qw}. */
export function quatMatrix(q) {
  var x = q.qx, y = q.qy, z = q.qz, w = q.qw;
  var n = Math.hypot(x, y, z, w) || 1;
  x /= n; y /= n; z /= n; w /= n;
  return [
    [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
    [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
    [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
  ];
}

/**
 * Project a world point onto a camera image (pinhole, optical axis +z): c = Rᵀ(p − t),
 * u = (fx·cx' + skew·cy')/cz + cx, v = fy·cy'/cz + cy. Null behind the camera.
 */
export function project(p, image) {
  var R = image._R || (image._R = quatMatrix(image.heading));
  var t = image.position;
  var dx = p[0] - t.x, dy = p[1] - t.y, dz = p[2] - t.z;
  var cx = R[0][0] * dx + R[1][0] * dy + R[2][0] * dz;
  var cy = R[0][1] * dx + R[1][1] * dy + R[2][1] * dz;
  var cz = R[0][2] * dx + R[1][2] * dy + R[2][2] * dz;
  if (cz <= 0.05) return null;
  return [(image.fx * cx + (image.skew || 0) * cy) / cz + image.cx, (image.fy * cy) / cz + image.cy];
}

/** The 8 corners of a cuboid (rotation order x–y–z: roll, pitch, then yaw, extrinsic). */
export function corners(c) {
  var cr = Math.cos(c.roll || 0), sr = Math.sin(c.roll || 0);
  var cp = Math.cos(c.pitch || 0), sp = Math.sin(c.pitch || 0);
  var cy = Math.cos(c.yaw || 0), sy = Math.sin(c.yaw || 0);
  // R = Rz(yaw) · Ry(pitch) · Rx(roll)
  var R = [
    [cy * cp, cy * sp * sr - sy * cr, cy * sp * cr + sy * sr],
    [sy * cp, sy * sp * sr + cy * cr, sy * sp * cr - cy * sr],
    [-sp, cp * sr, cp * cr],
  ];
  var out = [];
  for (var i = 0; i < 8; i++) {
    var lx = (i & 1 ? 0.5 : -0.5) * c.length, ly = (i & 2 ? 0.5 : -0.5) * c.width, lz = (i & 4 ? 0.5 : -0.5) * c.height;
    out.push([
      c["center-x"] + R[0][0] * lx + R[0][1] * ly + R[0][2] * lz,
      c["center-y"] + R[1][0] * lx + R[1][1] * ly + R[1][2] * lz,
      c["center-z"] + R[2][0] * lx + R[2][1] * ly + R[2][2] * lz,
    ]);
  }
  return out;
}

/** The 12 edges of corners() as index pairs. */
export var EDGES = [[0, 1], [2, 3], [4, 5], [6, 7], [0, 2], [1, 3], [4, 6], [5, 7], [0, 4], [1, 5], [2, 6], [3, 7]];

/** Linear interpolation of two cuboids (yaw along the short way round). */
export function lerpCuboid(a, b, t) {
  var out = Object.assign({}, a);
  ["center-x", "center-y", "center-z", "length", "width", "height", "roll", "pitch"].forEach(function (k) {
    out[k] = a[k] + (b[k] - a[k]) * t;
  });
  var d = Math.atan2(Math.sin(b.yaw - a.yaw), Math.cos(b.yaw - a.yaw));
  out.yaw = a.yaw + d * t;
  return out;
}

// ---------------------------------------------------------------- zlib point labels

function adler32(bytes) {
  var a = 1, b = 0;
  for (var i = 0; i < bytes.length; i++) {
    a = (a + bytes[i]) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * zlib (RFC 1950) of ``bytes`` with stored deflate blocks: synchronous, so the answer is ready
 * whenever crowd-form asks (Python's zlib.decompress reads it like any other zlib stream).
 */
export function zlibStore(bytes) {
  var blocks = Math.max(1, Math.ceil(bytes.length / 65535));
  var out = new Uint8Array(2 + bytes.length + blocks * 5 + 4);
  out[0] = 0x78; out[1] = 0x01;
  var o = 2;
  for (var k = 0; k < blocks; k++) {
    var start = k * 65535, len = Math.min(65535, bytes.length - start);
    out[o++] = k === blocks - 1 ? 1 : 0;
    out[o++] = len & 0xff; out[o++] = len >> 8;
    out[o++] = ~len & 0xff; out[o++] = (~len >> 8) & 0xff;
    out.set(bytes.subarray(start, start + len), o);
    o += len;
  }
  var s = adler32(bytes);
  out[o++] = s >>> 24; out[o++] = (s >>> 16) & 0xff; out[o++] = (s >>> 8) & 0xff; out[o++] = s & 0xff;
  return out;
}

export function toBase64(bytes) {
  var s = "";
  for (var i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Decode base64 zlib (any compression) with the browser's DecompressionStream. */
export async function inflateBase64(text) {
  var raw = Uint8Array.from(atob(text), function (ch) { return ch.charCodeAt(0); });
  var stream = new Blob([raw]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function newId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return "obj-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
}
