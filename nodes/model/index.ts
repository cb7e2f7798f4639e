// Loaders named model.*: a stored model chosen in a param, handed on as a model handle.
import loadGan from './loadGan.ts';
import loadModel from './loadModel.ts';
import loadPreviewDecoder from './loadPreviewDecoder.ts';
import loadUpscaler from './loadUpscaler.ts';

export default [loadModel, loadUpscaler, loadGan, loadPreviewDecoder];
