import { describe, expect, it } from 'vitest';
import { fileNameFromUrl, modelIdProblem } from './names.ts';

describe('names from outside', () => {
  it('takes a download\'s file name from its URL without separators or ..', () => {
    expect(fileNameFromUrl('https://example.org/models/realesr-general-x4v3.onnx')).toBe('realesr-general-x4v3.onnx');
    expect(fileNameFromUrl('https://example.org/x/%2e%2e%2f%2e%2e%2fa%2fb.onnx')).toBe('_._a_b.onnx');
    expect(fileNameFromUrl('https://example.org/%2fetc%2fpasswd')).toBe('_etc_passwd');
    expect(fileNameFromUrl('https://example.org/..%5c..%5cwin.onnx')).toBe('_._win.onnx');
    expect(fileNameFromUrl('https://example.org/bad%E0%A4%A.onnx')).toBe('bad_E0_A4_A.onnx');
    expect(fileNameFromUrl('https://example.org/')).toBe('model.onnx');
    expect(fileNameFromUrl(`https://example.org/${'a'.repeat(500)}.onnx`)).toHaveLength(100);
  });

  it('allows plain model ids only', () => {
    for (const ok of ['my-sd', 'sd15-onnx', 'Real.ESRGAN_x4']) expect(modelIdProblem(ok)).toBeNull();
    for (const bad of ['', '..', '../x', 'a/b', 'a\\b', '/abs', '.hidden', '-x', 'a..b', 'x'.repeat(101), 'é']) {
      expect(modelIdProblem(bad), bad).toMatch(/^model id ".*" is not allowed/);
    }
  });
});
