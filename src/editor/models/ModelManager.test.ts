import { statSync } from 'node:fs';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FsModelStore } from '../../runtime/fsStore.ts';
import { PROJECT_MODEL_ROOTS } from '../../runtime/node.ts';
import { KNOWN_MODELS } from '../../models/known.ts';
import { ModelManager, modelRows } from './ModelManager.tsx';

// The test upscaler's size, read from the file so the expectations follow the shipped model.
const TINY_UPSCALER_BYTES = statSync(new URL('../../../models/test/tiny-upscaler/model.onnx', import.meta.url)).size;

describe('ModelManager', () => {
  it('lists user models (removable) before bundled ones, with storage use and the known models to download', async () => {
    const bundled = await new FsModelStore(PROJECT_MODEL_ROOTS).list();
    const mine = { ...bundled.find((m) => m.id === 'test-tiny-upscaler')!, id: 'my-upscaler', source: 'https://example.org/x2.onnx' };
    const rows = modelRows(bundled, [mine]);
    expect(rows[0]).toEqual({ id: 'my-upscaler', title: mine.title, kind: 'upscaler', bytes: TINY_UPSCALER_BYTES, source: 'https://example.org/x2.onnx', removable: true });
    expect(rows.slice(1).every((r) => !r.removable)).toBe(true);
    const noop = async () => undefined;
    const html = renderToStaticMarkup(createElement(ModelManager, {
      models: rows, usage: { usage: TINY_UPSCALER_BYTES, quota: 1e9 }, known: KNOWN_MODELS,
      progress: { 'sd15-onnx': { received: 10, total: 100 } },
      onAddFiles: noop, onDownloadUrl: noop, onDownloadKnown: noop, onDelete: noop,
    }));
    expect(html).toContain(`Browser storage: ${(TINY_UPSCALER_BYTES / 1000).toFixed(2)} KB of 1.00 GB in use`);
    expect(html.match(/>Delete</g)).toHaveLength(1);
    expect(html).toContain('data-model-id="taesd-decoder"');
    expect(html).toContain('<progress value="10" max="100">');
    expect(html).toContain('webkitdirectory=""');
  });
});
