/**
 * The heat map's pointer and keyboard state, outside React so brushing costs no re-render: it keeps the hovered cell,
 * the keyboard cursor, a drag in progress and FlameScope's pending click-start, and reports through callbacks.
 * - Drag: press on a cell, move to another, release: selects between the two.
 * - FlameScope's clicks: a click sets the start (the highlight follows the pointer as a preview), a second click sets
 *   the end and selects; a click after that starts again.
 * - Keys: arrows move the cursor (Shift: 10 cells), Enter/Space act as a click on it, Escape clears.
 * Pure (no DOM).
 */
import { Cell, HeatmapGrid, Selection } from '../model';
import { clamp } from './grid';
import { moveCell, selectionFromCells } from './selection';

export interface InteractionEvents {
  /** Something drawn changed (hover, cursor, preview): redraw the overlay. */
  onChange(): void;
  /** A selection was made, or cleared (undefined). */
  onCommit(selection: Selection | undefined): void;
  /** The cell pointed at (hover, else the focused keyboard cursor) changed. */
  onPoint(cell: Cell | undefined): void;
  /** FlameScope's pending start cell was set or dropped. */
  onPending(cell: Cell | undefined): void;
}

const SHIFT_STEP = 10;

export class Interaction {
  hover?: Cell;
  cursor?: Cell;
  /** FlameScope's click-start, waiting for the end click. */
  pending?: Cell;
  committed?: Selection;
  focused = false;
  /** Whether the keyboard is in use (the cursor shows): set by keys and by focusing, cleared by the pointer. */
  private keyboard = false;
  private drag?: { start: Cell; current: Cell; moved: boolean };
  private pointed?: Cell;

  constructor(
    private grid: HeatmapGrid,
    private readonly events: InteractionEvents
  ) {}

  get dragging(): boolean {
    return this.drag !== undefined;
  }

  /** The keyboard cursor, when it should show: focused and driven by keys, not the mouse. */
  get activeCursor(): Cell | undefined {
    return this.focused && this.keyboard ? this.cursor : undefined;
  }

  /** New data: cells of the old grid may mean other times now, so drop what is in progress. */
  setGrid(grid: HeatmapGrid): void {
    if (grid === this.grid) {
      return;
    }
    const sameShape =
      grid.startMs === this.grid.startMs && grid.columnMs === this.grid.columnMs && grid.rows === this.grid.rows;
    this.grid = grid;
    if (!sameShape) {
      this.drag = undefined;
      this.hover = undefined;
      this.setPending(undefined);
    }
    if (this.cursor) {
      this.cursor = grid.columns > 0 ? this.clampCell(this.cursor) : undefined;
    }
    this.changed();
  }

  /** A selection from outside (the panel's options): shown, not reported back. */
  setCommitted(selection: Selection | undefined): void {
    if (selection !== this.committed) {
      this.committed = selection;
      this.events.onChange();
    }
  }

  /** The selection to highlight: a drag or click-start preview, else the committed one. */
  shown(): Selection | undefined {
    if (this.drag?.moved) {
      return selectionFromCells(this.grid, this.drag.start, this.drag.current);
    }
    if (this.pending) {
      return selectionFromCells(this.grid, this.pending, this.hover ?? this.activeCursor ?? this.pending);
    }
    return this.committed;
  }

  /** The cell the tooltip describes: under the pointer, else the keyboard cursor. */
  pointedCell(): Cell | undefined {
    return this.hover ?? this.activeCursor;
  }

  pointerDown(cell: Cell | undefined): void {
    if (!cell) {
      return;
    }
    this.drag = { start: cell, current: cell, moved: false };
    this.hover = cell;
    this.keyboard = false;
    this.changed();
  }

  /** `cell` is clamped to the grid while dragging, so a drag off the edge selects up to it. */
  pointerMove(cell: Cell | undefined): void {
    const fromKeyboard = this.keyboard;
    this.keyboard = false;
    if (this.drag && cell && !sameCell(cell, this.drag.current)) {
      this.drag.current = cell;
      this.drag.moved = this.drag.moved || !sameCell(cell, this.drag.start);
    }
    if (!sameCell(cell, this.hover) || fromKeyboard) {
      this.hover = cell;
      this.changed();
    } else if (this.drag) {
      this.events.onChange();
    }
  }

  pointerUp(cell: Cell | undefined): void {
    const drag = this.drag;
    if (!drag) {
      return;
    }
    this.drag = undefined;
    if (drag.moved) {
      this.setPending(undefined);
      this.commit(selectionFromCells(this.grid, drag.start, cell ?? drag.current));
    } else {
      this.click(drag.start);
    }
  }

  pointerLeave(): void {
    if (!this.drag && this.hover) {
      this.hover = undefined;
      this.changed();
    }
  }

  focus(): void {
    this.focused = true;
    this.keyboard = true; // a Tab; a click's pointerDown, right after, hands over to the mouse
    if (!this.cursor && this.grid.columns > 0) {
      this.cursor = this.defaultCursor();
    }
    this.changed();
  }

  blur(): void {
    this.focused = false;
    this.changed();
  }

  /** Returns whether the key was used (the caller then prevents its default, e.g. page scrolling). */
  key(key: string, shift = false): boolean {
    if (key === 'Escape') {
      return this.escape();
    }
    if (this.grid.columns === 0) {
      return false;
    }
    this.keyboard = true;
    if (key === 'Enter' || key === ' ') {
      this.click(this.cursor ?? this.defaultCursor());
      return true;
    }
    const moved = moveCell(this.grid, this.cursor ?? this.defaultCursor(), key, shift ? SHIFT_STEP : 1);
    if (!moved) {
      return false;
    }
    this.cursor = moved;
    this.hover = undefined;
    this.changed();
    return true;
  }

  /** Esc: cancel a drag or pending start and clear the selection. */
  escape(): boolean {
    const busy = this.drag !== undefined || this.pending !== undefined || this.committed !== undefined;
    this.drag = undefined;
    this.setPending(undefined);
    if (this.committed) {
      this.commit(undefined);
    }
    this.changed();
    return busy;
  }

  /** A click (or Enter) on a cell: the start, then the end. */
  private click(cell: Cell): void {
    this.cursor = cell;
    if (this.pending) {
      const start = this.pending;
      this.setPending(undefined);
      this.commit(selectionFromCells(this.grid, start, cell));
    } else {
      this.setPending(cell);
    }
    this.changed();
  }

  private commit(selection: Selection | undefined): void {
    this.committed = selection;
    this.events.onCommit(selection);
    this.events.onChange();
  }

  private setPending(cell: Cell | undefined): void {
    if (!sameCell(cell, this.pending)) {
      this.pending = cell;
      this.events.onPending(cell);
    }
  }

  /** Reports a change to draw, and the pointed cell when it moved. */
  private changed(): void {
    const pointed = this.pointedCell();
    if (!sameCell(pointed, this.pointed)) {
      this.pointed = pointed;
      this.events.onPoint(pointed);
    }
    this.events.onChange();
  }

  /** Where keyboard use starts: the pointer, the selection's start, or the first column a profile covered. */
  private defaultCursor(): Cell {
    const first = Math.max(0, this.grid.covered.indexOf(1));
    return this.clampCell(this.hover ?? this.committed?.start ?? { column: first, row: 0 });
  }

  private clampCell(cell: Cell): Cell {
    return {
      column: clamp(cell.column, 0, this.grid.columns - 1),
      row: clamp(cell.row, 0, this.grid.rows - 1),
    };
  }
}

export function sameCell(a: Cell | undefined, b: Cell | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.column === b.column && a.row === b.row);
}
