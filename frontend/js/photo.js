// Preparing a photo before it is sent: upright, longest side about 1600 px (enough to measure and to read
// markings), re-encoded as JPEG, which also drops every metadata (GPS position included).

const LONGEST_SIDE = 1600;
const JPEG_QUALITY = 0.9;

function toBlob(canvas) {
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", JPEG_QUALITY));
}

/**
 * Returns {blob, filename, decoded}. A file this browser cannot decode (not a photo, or a format it does not read,
 * such as HEIC in some browsers) is sent as it is: the service reads more formats, and says why it refuses.
 */
export async function preparePhoto(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    return { blob: file, filename: file.name || "photo", decoded: false };
  }
  const scale = Math.min(1, LONGEST_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const context = canvas.getContext("2d");
  context.imageSmoothingQuality = "high";
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await toBlob(canvas);
  if (!blob) return { blob: file, filename: file.name || "photo", decoded: false };
  return { blob, filename: "photo.jpg", decoded: true };
}
