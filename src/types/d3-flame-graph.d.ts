/**
 * Types for the parts of d3-flame-graph 5 (which ships none) that the panel uses, and for the one d3-selection call
 * needed to mount it (d3-selection has no types installed either). Shapes from d3-flame-graph's README and dist.
 */
declare module 'd3-selection' {
  /** A d3 selection, reduced to what mounting a chart needs. */
  export interface Selection<Datum> {
    datum<NewDatum>(value: NewDatum): Selection<NewDatum>;
    call(fn: (selection: Selection<Datum>) => void): this;
    node(): Element | null;
  }
  export function select(node: Element): Selection<unknown>;
}

declare module 'd3-flame-graph' {
  import type { Selection } from 'd3-selection';

  /** A d3-hierarchy node wrapping the caller's datum, as handlers receive it. */
  export interface FlameGraphNode<Datum> {
    data: Datum;
    parent: FlameGraphNode<Datum> | null;
    children?: Array<FlameGraphNode<Datum>>;
    depth: number;
    /** Value as laid out now (0 for frames hidden by a zoom). */
    value: number;
    /** Horizontal extent as a fraction of the root. */
    x0: number;
    x1: number;
    /** Depth-first index, the key d3 joins frames on. */
    id: number;
    /** Set by search(). */
    highlight?: boolean;
  }

  export interface FlameGraph<Datum> {
    /** Mounts the chart on a selection whose datum is the tree. */
    (selection: Selection<Datum>): void;
    width(): number;
    width(px: number): this;
    height(): number | null;
    height(px: number | null): this;
    minHeight(px: number | null): this;
    cellHeight(px: number): this;
    minFrameSize(px: number): this;
    transitionDuration(ms: number): this;
    sort(enabled: boolean | ((a: FlameGraphNode<Datum>, b: FlameGraphNode<Datum>) => number)): this;
    inverted(): boolean;
    inverted(enabled: boolean): this;
    /** false: a datum's value includes its children's (the default). */
    selfValue(enabled: boolean): this;
    /** Recompute the height from the visible depth on every update, not only the first. */
    resetHeightOnZoom(enabled: boolean): this;
    title(text: string): this;
    setColorMapper(fn: (node: FlameGraphNode<Datum>, originalColor: string) => string): this;
    setLabelHandler(fn: (node: FlameGraphNode<Datum>) => string): this;
    setSearchMatch(fn: (node: FlameGraphNode<Datum>, term: string, ignoreCase?: boolean) => boolean): this;
    setSearchHandler(fn: (results: Array<FlameGraphNode<Datum>>, sum: number, total: number) => void): this;
    /** Called with the label on hover and with null when the pointer leaves a frame. */
    setDetailsHandler(fn: (label: string | null) => void): this;
    /** Called after a frame is zoomed into (also by resetZoom, with the root). */
    onClick(fn: (node: FlameGraphNode<Datum>) => void): this;
    onHover(fn: (node: FlameGraphNode<Datum>) => void): this;
    /** Redraws; with data, replaces the tree (and resets the zoom). */
    update(data?: Datum): this;
    search(term: string): void;
    clear(): void;
    resetZoom(): void;
    destroy(): this;
  }

  export default function flamegraph<Datum>(): FlameGraph<Datum>;
}
