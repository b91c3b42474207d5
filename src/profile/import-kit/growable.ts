/** Append-only typed arrays: compact per-event columns for data kept until the end of a parse. */

export class IntList {
  data = new Int32Array(1024);
  length = 0;

  push(v: number) {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
}

export class FloatList {
  data = new Float64Array(1024);
  length = 0;

  push(v: number) {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
}
