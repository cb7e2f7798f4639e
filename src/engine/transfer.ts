import * as Comlink from 'comlink';
import { transferables } from '../runtime/tensor.ts';

/** Marks every buffer inside a value for transfer instead of a structured copy. */
export function comlinkTransfer<T>(value: T): T {
  return Comlink.transfer(value, transferables(value));
}
