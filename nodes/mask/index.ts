import { feather, grow, invert, maskedImage, threshold, toImage } from './edit.ts';
import fromImage from './fromImage.ts';

export default [fromImage, threshold, invert, grow, feather, maskedImage, toImage];
