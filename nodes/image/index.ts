import applyModel from './applyModel.ts';
import gradient from './gradient.ts';
import output from './output.ts';

export default [gradient, output, applyModel];
