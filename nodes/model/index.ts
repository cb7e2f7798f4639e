import loadModel from './loadModel.ts';

export default [loadModel];
