// A photo's pixels into the typology network's input, as the service makes it (basegun/inference/preprocess.py), read from
// the model's manifest. Resizing is Pillow's bilinear resampling, reproduced to the integer: a triangle filter whose
// support widens with the reduction (antialiasing), 22-bit fixed-point weights, horizontal pass first, each pass
// rounded to 8 bits. A new `resize` mode is one function in VIEWS; an unknown one is refused, never guessed.

const PRECISION_BITS = 22; // Pillow: 32 - 8 (pixel) - 2 (headroom)
const HALF = 1 << (PRECISION_BITS - 1);

/** An RGB image: width, height and 3 bytes per pixel. */
export function rgbImage(width, height, data = new Uint8Array(width * height * 3)) {
  return { width, height, data };
}

/** RGBA pixels (a canvas's ImageData) to RGB. */
export function fromRGBA({ width, height, data }) {
  const image = rgbImage(width, height);
  for (let i = 0, j = 0; i < data.length; i += 4, j += 3) {
    image.data[j] = data[i];
    image.data[j + 1] = data[i + 1];
    image.data[j + 2] = data[i + 2];
  }
  return image;
}

/**
 * The size the service decodes a large JPEG at (basegun/inference/imaging.py: libjpeg's DCT scaling by 1/2, 1/4 or 1/8 through
 * Pillow's draft mode, the least detail its networks need being `need`), approximated by averaging blocks of pixels
 * as Pillow's Image.reduce does. Without it, the browser would see a sharper photo than the service on large photos.
 */
export function jpegDraft(image, need) {
  const { width, height } = image;
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  const factor = Math.max(need.min_short_side / short, need.min_long_side / long);
  if (factor >= 1) return image;
  const scale = Math.min(
    Math.floor(width / Math.ceil(width * factor)),
    Math.floor(height / Math.ceil(height * factor)),
  );
  const k = [8, 4, 2, 1].find((a) => scale >= a);
  return k === 1 ? image : reduce(image, k);
}

/** Pillow's Image.reduce(k): the mean of each k×k block (partial blocks at the edges: of their pixels), rounded. */
function reduce(image, k) {
  const width = Math.ceil(image.width / k);
  const height = Math.ceil(image.height / k);
  const out = rgbImage(width, height);
  for (let y = 0; y < height; y++) {
    const rows = Math.min(k, image.height - y * k);
    for (let x = 0; x < width; x++) {
      const cols = Math.min(k, image.width - x * k);
      const count = rows * cols;
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let dy = 0; dy < rows; dy++) {
          let at = ((y * k + dy) * image.width + x * k) * 3 + c;
          for (let dx = 0; dx < cols; dx++, at += 3) sum += image.data[at];
        }
        out.data[(y * width + x) * 3 + c] = Math.floor((sum + count / 2) / count);
      }
    }
  }
  return out;
}

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(value) {
  const rounded = Math.round(value);
  return Math.abs(value % 1) === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded;
}

function triangle(x) {
  const distance = Math.abs(x);
  return distance < 1 ? 1 - distance : 0;
}

/** Pillow's precompute_coeffs and normalize_coeffs_8bpc for one axis. */
function coefficients(inSize, outSize) {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // the bilinear filter's support is 1, widened by the reduction
  const size = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * size);
  const raw = new Float64Array(size);
  const inverse = 1 / filterScale; // multiplied by, as Pillow does: a division may round differently
  for (let out = 0; out < outSize; out++) {
    const center = (out + 0.5) * scale;
    const first = Math.max(0, Math.trunc(center - support + 0.5));
    const count = Math.min(inSize, Math.trunc(center + support + 0.5)) - first;
    let total = 0;
    for (let x = 0; x < count; x++) {
      raw[x] = triangle((x + first - center + 0.5) * inverse);
      total += raw[x];
    }
    for (let x = 0; x < count; x++) {
      const weight = total !== 0 ? raw[x] / total : raw[x];
      weights[out * size + x] = Math.trunc(weight * (1 << PRECISION_BITS) + (weight < 0 ? -0.5 : 0.5));
    }
    bounds[out * 2] = first;
    bounds[out * 2 + 1] = count;
  }
  return { size, bounds, weights };
}

function clip8(sum) {
  if (sum >= 1 << (PRECISION_BITS + 8)) return 255;
  if (sum <= 0) return 0;
  return sum >> PRECISION_BITS;
}

/** One pass along x (`horizontal`) or y, over the rows or columns of `source`. */
function pass(source, outSize, horizontal) {
  const { width, height, data } = source;
  const inSize = horizontal ? width : height;
  const { size, bounds, weights } = coefficients(inSize, outSize);
  const out = horizontal ? rgbImage(outSize, height) : rgbImage(width, outSize);
  const lines = horizontal ? height : width;
  // Stride between neighbours along the pass, and between lines, in the source and in the output.
  const step = horizontal ? 3 : width * 3;
  const lineStep = horizontal ? width * 3 : 3;
  const outStep = horizontal ? 3 : width * 3;
  const outLineStep = horizontal ? outSize * 3 : 3;
  for (let line = 0; line < lines; line++) {
    for (let o = 0; o < outSize; o++) {
      const first = bounds[o * 2];
      const count = bounds[o * 2 + 1];
      const k = o * size;
      let r = HALF;
      let g = HALF;
      let b = HALF;
      let at = line * lineStep + first * step;
      for (let x = 0; x < count; x++, at += step) {
        const weight = weights[k + x];
        r += data[at] * weight;
        g += data[at + 1] * weight;
        b += data[at + 2] * weight;
      }
      const to = line * outLineStep + o * outStep;
      out.data[to] = clip8(r);
      out.data[to + 1] = clip8(g);
      out.data[to + 2] = clip8(b);
    }
  }
  return out;
}

/** Pillow's Image.resize(size, BILINEAR) on an RGB image. */
export function resizeBilinear(image, width, height) {
  const wide = image.width === width ? image : pass(image, width, true);
  return wide.height === height ? wide : pass(wide, height, false);
}

function crop(image, left, top, width, height) {
  const out = rgbImage(width, height);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * 3;
    out.data.set(image.data.subarray(from, from + width * 3), y * width * 3);
  }
  return out;
}

/** basegun.inference.preprocess.shorter_side_center_crop: shorter side to `size`, then the centre size×size. */
function shorterSideCenterCrop(image, prep) {
  const { size } = prep;
  const { width, height } = image;
  const [newWidth, newHeight] =
    width <= height ? [size, Math.trunc((size * height) / width)] : [Math.trunc((size * width) / height), size];
  const resized = resizeBilinear(image, newWidth, newHeight);
  const left = roundHalfEven((newWidth - size) / 2);
  const top = roundHalfEven((newHeight - size) / 2);
  return crop(resized, left, top, size, size);
}

/** basegun.inference.preprocess.square_letterbox: longer side to `size`, centred on a size×size square of `pad_value`. */
function letterbox(image, prep) {
  const { size } = prep;
  const ratio = size / Math.max(image.width, image.height);
  const width = Math.max(1, roundHalfEven(image.width * ratio));
  const height = Math.max(1, roundHalfEven(image.height * ratio));
  const resized = resizeBilinear(image, width, height);
  const pad = prep.channel_order === "RGB" ? prep.pad_value : [...prep.pad_value].reverse();
  const out = rgbImage(size, size);
  for (let i = 0; i < out.data.length; i += 3) out.data.set(pad, i);
  const left = Math.floor((size - width) / 2);
  const top = Math.floor((size - height) / 2);
  for (let y = 0; y < height; y++) {
    out.data.set(resized.data.subarray(y * width * 3, (y + 1) * width * 3), ((top + y) * size + left) * 3);
  }
  return out;
}

// The views each `resize` mode feeds the network; several views are one batch, their probabilities averaged.
const VIEWS = {
  shorter_side_center_crop: [shorterSideCenterCrop],
  letterbox: [letterbox],
  center_crop_and_letterbox_mean: [shorterSideCenterCrop, letterbox],
};
const INTERPOLATIONS = new Set(["bilinear"]);

/** The views of `image` the manifest's preprocessing asks for; an unknown mode is an error, never a guess. */
export function views(image, prep) {
  const makers = VIEWS[prep.resize];
  if (!makers) throw new Error(`unknown preprocessing mode in the model's manifest: ${prep.resize}`);
  if (!INTERPOLATIONS.has(prep.interpolation))
    throw new Error(`unknown interpolation in the model's manifest: ${prep.interpolation}`);
  return makers.map((make) => make(image, prep));
}

/** HWC RGB bytes to NCHW float32, with the manifest's scale, mean, std and channel order (numpy's float32 maths). */
export function normalise(batch, prep) {
  const { width, height } = batch[0];
  const plane = width * height;
  const tensor = new Float32Array(batch.length * 3 * plane);
  const scale = Math.fround(prep.scale);
  const mean = prep.mean.map(Math.fround);
  const std = prep.std.map(Math.fround);
  const centred = mean.some((m) => m !== 0) || std.some((s) => s !== 1);
  const channels = prep.channel_order === "BGR" ? [2, 1, 0] : [0, 1, 2];
  batch.forEach((view, n) => {
    for (let c = 0; c < 3; c++) {
      const source = channels[c];
      const offset = (n * 3 + c) * plane;
      for (let i = 0; i < plane; i++) {
        const value = Math.fround(view.data[i * 3 + source] * scale);
        tensor[offset + i] = centred ? Math.fround(Math.fround(value - mean[c]) / std[c]) : value;
      }
    }
  });
  return tensor;
}
