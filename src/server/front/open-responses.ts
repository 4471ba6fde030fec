/**
 * The responses still open, by request id, for the operations that name them. Each one sits in a
 * box that is emptied before its entry is deleted: the map churns (an insert and a delete per
 * request), and the tables it outgrows stay in V8's old generation until a full collection, still
 * pointing at what they held. Without the boxes they kept every finished request's objects alive
 * through young collections until then (docs/gc-retention.md).
 */
export class OpenResponses<V extends object> {
  readonly #boxes = new Map<number, { value: V | undefined }>();

  get size(): number {
    return this.#boxes.size;
  }

  set(id: number, value: V): void {
    const old = this.#boxes.get(id);
    if (old !== undefined) old.value = undefined;
    this.#boxes.set(id, { value });
  }

  get(id: number): V | undefined {
    return this.#boxes.get(id)?.value;
  }

  /** Forgets the response and returns it (undefined if it was not open). */
  take(id: number): V | undefined {
    const box = this.#boxes.get(id);
    if (box === undefined) return undefined;
    const value = box.value;
    box.value = undefined;
    this.#boxes.delete(id);
    return value;
  }

  /** The open responses, as a list of their own (taking one while going through it is safe). */
  values(): V[] {
    const out: V[] = [];
    for (const box of this.#boxes.values()) if (box.value !== undefined) out.push(box.value);
    return out;
  }
}
