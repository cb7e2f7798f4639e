import { feather, grow, invert, maskedImage, threshold, toImage } from './edit.ts';
import fromImage from './fromImage.ts';
import paint from './paint.ts';

export default [paint, fromImage, threshold, invert, grow, feather, maskedImage, toImage];
