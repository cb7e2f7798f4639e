// Draws one batch item of an IMAGE value (NHWC floats in [0, 1]) onto a canvas.
import { memo, useEffect, useRef } from 'react';
import type { ImageValue } from '../../image/value.ts';

export function toImageData(img: ImageValue, item = 0): ImageData {
  const { width, height, channels } = img;
  const out = new ImageData(width, height);
  const base = item * width * height * channels;
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 4; c++) {
      const v = c === 3 ? (channels === 4 ? img.data[base + p * 4 + 3] : 1) : img.data[base + p * channels + (channels === 1 ? 0 : c)];
      out.data[p * 4 + c] = Math.round((v < 0 ? 0 : v > 1 ? 1 : v) * 255);
    }
  }
  return out;
}

interface Props { image: ImageValue; item?: number; testId?: string; className?: string; onClick?: () => void }

export const ImageCanvas = memo(function ImageCanvas({ image, item = 0, testId, className, onClick }: Props) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    canvas.width = image.width;
    canvas.height = image.height;
    canvas.getContext('2d')?.putImageData(toImageData(image, Math.min(item, image.batch - 1)), 0, 0);
  }, [image, item]);
  return <canvas ref={ref} data-testid={testId} className={`image-canvas ${className ?? ''}`} onClick={onClick} />;
});

/** Every batch item of an image, side by side. */
export function ImageBatch({ image, testId }: { image: ImageValue; testId?: string }) {
  return (
    <div className="image-batch">
      {Array.from({ length: image.batch }, (_, i) => <ImageCanvas key={i} image={image} item={i} testId={testId} />)}
    </div>
  );
}

/**
 * An image on a node, in a bounded box: one image fits the box, a batch becomes a small grid. A click
 * shows the image (or that batch item) large.
 */
export function NodeImages({ image, testId, onEnlarge }: { image: ImageValue; testId?: string; onEnlarge: (item: number) => void }) {
  const columns = Math.ceil(Math.sqrt(image.batch));
  return (
    <div className={`node-images ${image.batch > 1 ? 'grid' : ''}`} style={{ gridTemplateColumns: `repeat(${columns}, 1fr)` }} data-batch={image.batch}>
      {Array.from({ length: image.batch }, (_, i) => (
        <ImageCanvas key={i} image={image} item={i} testId={testId} onClick={() => onEnlarge(i)} />
      ))}
    </div>
  );
}
