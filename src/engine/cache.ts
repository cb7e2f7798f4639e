// Node outputs by content key, under a byte budget, least recently used evicted first.
import { byteSize } from '../runtime/tensor.ts';

export type Outputs = Record<string, unknown>;

export class OutputCache {
  private readonly entries = new Map<string, { outputs: Outputs; bytes: number }>();
  private total = 0;

  constructor(public budgetBytes: number) {}

  get(key: string): Outputs | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key); // re-insert: Map order is recency order
    this.entries.set(key, entry);
    return entry.outputs;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Stores outputs unless they alone exceed the budget; returns whether they were kept. */
  set(key: string, outputs: Outputs): boolean {
    this.delete(key);
    const bytes = byteSize(outputs);
    if (bytes > this.budgetBytes) return false;
    this.entries.set(key, { outputs, bytes });
    this.total += bytes;
    this.evict();
    return true;
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.total -= entry.bytes;
  }

  setBudget(bytes: number): void {
    this.budgetBytes = bytes;
    this.evict();
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }

  get bytes(): number { return this.total; }
  get size(): number { return this.entries.size; }

  private evict(): void {
    for (const [key] of this.entries) {
      if (this.total <= this.budgetBytes) break;
      this.delete(key);
    }
  }
}
